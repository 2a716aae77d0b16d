package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.emr.EmrClient;

/** scripts/launch-emr: the shaded jar, its CLI, and AWS_ENDPOINT_URL, against moto. */
class LaunchEmrCliIT {
  private static final String JAR = "s3://artifacts/beam-etl/jars/beam-etl-cli.jar";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmrClient emr;
  private static Map<String, String> env;

  @BeforeAll
  static void pointAtMoto() {
    env = Scripts.motoEnvironment();
    env.put("BEAM_ETL_JAR", JAR);
    emr = MotoClients.emr();
  }

  @AfterAll
  static void close() {
    emr.close();
  }

  @Test
  void dryRunPrintsThePlanAndCreatesNothing(@TempDir Path dir) throws IOException {
    Path request = Files.writeString(dir.resolve("request.json"),
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\", \"runId\": \"dry-1\"}, \"cluster\": {\"instanceCount\": 2}}");
    int before = MotoClients.clusterCount(emr);
    JsonNode plan = JSON.readTree(Scripts.ok(env, "scripts/launch-emr", "--dry-run", request.toString()));
    assertThat(plan.get("runId").asText(), equalTo("dry-1"));
    assertThat(plan.get("cluster").get("instanceCount").asInt(), equalTo(2));
    assertThat(plan.get("stepArgs").get(5).asText(), equalTo(JAR));
    assertThat(MotoClients.clusterCount(emr), equalTo(before));
  }

  @Test
  void anInvalidRequestExitsWithTwoNamingTheOptionAndCreatesNothing() {
    int before = MotoClients.clusterCount(emr);
    Scripts.Result r = Scripts.run(env, "scripts/launch-emr", "--run", "loan-filter", "--minLastFicoRangeLow=high");
    assertThat(r.exitCode(), equalTo(2));
    assertThat(r.stderr(), containsString("error: pipeline 'loan-filter': option --minLastFicoRangeLow: 'high' is not a valid int"));
    assertThat(r.stderr(), containsString("error: pipeline 'loan-filter': missing required option --input"));
    assertThat(r.stderr(), containsString("No cluster was created."));
    assertThat(MotoClients.clusterCount(emr), equalTo(before));
  }

  @Test
  void launchesOnTheEndpointInAwsEndpointUrl() throws IOException {
    JsonNode result = JSON.readTree(Scripts.ok(env, "scripts/launch-emr", "--run", "loan-filter", "--input=s3://in/x.csv", "--jdbcUrl=jdbc:postgresql://db/loans", "--runId=cli-1"));
    String clusterId = result.get("clusterId").asText();
    List<String> args = emr.listSteps(b -> b.clusterId(clusterId)).steps().get(0).config().args();
    assertThat(args, contains("spark-submit", "--deploy-mode", "cluster", "--class", "dev.beametl.pipelines.BeamEtl", JAR, "loan-filter",
        "--runner=SparkRunner", "--runId=cli-1",
        "--runReport=s3://artifacts/beam-etl/runs/cli-1/report.json",
        "--rejects=s3://artifacts/beam-etl/runs/cli-1/rejects.jsonl",
        "--input=s3://in/x.csv",
        "--jdbcUrl=jdbc:postgresql://db/loans"));
    assertThat(emr.describeCluster(b -> b.clusterId(clusterId)).cluster().autoTerminate(), equalTo(true));
  }
}
