package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emr.EmrClient;

/** The Lambda's code as deployed: the shaded jar alone, its handler invoked as the runtime does, against moto. */
class LambdaPackageIT {
  private static final String HANDLER = "dev.beametl.launcher.EmrLaunchHandler";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Scripts.Result invoke(String event) {
    Map<String, String> env = Scripts.motoEnvironment();
    env.put("AWS_REGION", "us-east-1");
    env.put("BEAM_ETL_JAR", "s3://artifacts/beam-etl/jars/beam-etl-lambda.jar");
    String classpath = Scripts.LAUNCHER_JAR + File.pathSeparator + Scripts.ROOT.resolve("launcher/target/test-classes");
    return Scripts.runWithInput(env, event, "java", "-cp", classpath, LambdaRuntimeStandIn.class.getName(), HANDLER);
  }

  @Test
  void theHandlerStartsAClusterOnTheEndpointInAwsEndpointUrl() throws IOException {
    Scripts.Result r = invoke("{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\", \"runId\": \"lambda-1\"}}");
    assertThat(r.stderr(), r.exitCode(), equalTo(0));
    JsonNode result = JSON.readTree(r.stdout());
    assertThat(result.get("runId").asText(), equalTo("lambda-1"));
    try (EmrClient emr = MotoClients.emr()) {
      String clusterId = result.get("clusterId").asText();
      assertThat(emr.listSteps(b -> b.clusterId(clusterId)).steps().get(0).config().args().get(5),
          equalTo("s3://artifacts/beam-etl/jars/beam-etl-lambda.jar"));
    }
  }

  @Test
  void anInvalidEventFailsTheInvocationNamingTheProblem() {
    Scripts.Result r = invoke("{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"afterLoad\": \"burn\"}}");
    assertThat(r.exitCode(), not(equalTo(0)));
    assertThat(r.stderr(), containsString("rejected, no cluster created: invalid launch request: "
        + "pipeline 'loan-filter': option --afterLoad: 'burn' is not one of keep, archive, delete"));
    assertThat(r.stderr(), containsString("LaunchRequestException"));
  }
}
