package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.emr.EmrClient;

/**
 * The deployment scripts as a user runs them, against moto: build-and-upload puts both jars in S3,
 * deploy creates the stack (Lambda, schedule, permission, role), and run-on-emr launches with the
 * deployed Lambda's settings. Ordered: each step uses what the previous one made.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentIT {
  private static final String BUCKET = "deploy-it-artifacts";
  private static final String STACK = "beam-etl-it";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ENV = Scripts.motoEnvironment();
  private static String pipelinesKey;
  private static String launcherKey;

  @TempDir static Path dir;

  @Test
  @Order(1)
  void buildAndUploadPutsBothJarsUnderContentAddressedKeys() throws IOException {
    S3Server.shared().createBucket(BUCKET);
    byte[] pipelinesJar = "stands in for the pipelines jar".getBytes(StandardCharsets.UTF_8);
    Path fakePipelines = Files.write(dir.resolve("beam-etl.jar"), pipelinesJar);
    ENV.put("PIPELINES_JAR", fakePipelines.toString());

    String out = Scripts.ok(ENV, "scripts/build-and-upload", "--bucket", BUCKET, "--skip-build");
    pipelinesKey = value(out, "PIPELINES_JAR_KEY");
    launcherKey = value(out, "LAUNCHER_KEY");
    assertThat(pipelinesKey, matchesPattern("beam-etl/jars/beam-etl-[0-9a-f]{12}\\.jar"));
    assertThat(launcherKey, matchesPattern("beam-etl/jars/beam-etl-launcher-[0-9a-f]{12}\\.jar"));
    assertThat(Arrays.equals(S3Server.shared().get(BUCKET, pipelinesKey), pipelinesJar), equalTo(true));
    assertThat(Arrays.equals(S3Server.shared().get(BUCKET, launcherKey), Files.readAllBytes(Scripts.LAUNCHER_JAR)), equalTo(true));

    Scripts.Result noBucket = Scripts.run(ENV, "scripts/build-and-upload", "--bucket", "no-such-bucket", "--skip-build");
    assertThat(noBucket.exitCode(), equalTo(2));
    assertThat(noBucket.stderr(), containsString("bucket 'no-such-bucket' does not exist"));
  }

  @Test
  @Order(2)
  void deployCreatesTheScheduleTheLambdaAndThePermissionWithTheUploadedJar() throws IOException {
    String request = "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/loans/*.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\", \"table\": \"loans\"}}";
    Path requestFile = Files.writeString(dir.resolve("request.json"), request);

    Scripts.ok(ENV, "scripts/deploy/deploy", "--bucket", BUCKET, "--request", requestFile.toString(), "--stack", STACK,
        "--schedule", "cron(0 6 ? * MON *)", "--skip-build", "InstanceType=m5.2xlarge");

    JsonNode function = aws("lambda", "get-function-configuration", "--function-name", STACK + "-launch");
    assertThat(function.get("Runtime").asText(), equalTo("java21"));
    assertThat(function.get("Handler").asText(), equalTo("dev.beametl.launcher.EmrLaunchHandler::handleRequest"));
    JsonNode vars = function.get("Environment").get("Variables");
    assertThat(vars.get("BEAM_ETL_JAR").asText(), equalTo("s3://" + BUCKET + "/" + pipelinesKey));
    assertThat(vars.get("EMR_INSTANCE_TYPE").asText(), equalTo("m5.2xlarge"));

    JsonNode rule = aws("events", "list-rules", "--name-prefix", STACK).get("Rules").get(0);
    assertThat(rule.get("ScheduleExpression").asText(), equalTo("cron(0 6 ? * MON *)"));
    assertThat(rule.get("State").asText(), equalTo("ENABLED"));
    JsonNode target = aws("events", "list-targets-by-rule", "--rule", rule.get("Name").asText()).get("Targets").get(0);
    assertThat(target.get("Arn").asText(), equalTo(function.get("FunctionArn").asText()));
    assertThat(JSON.readTree(target.get("Input").asText()), equalTo(JSON.readTree(request)));

    JsonNode policy = JSON.readTree(aws("lambda", "get-policy", "--function-name", STACK + "-launch").get("Policy").asText());
    JsonNode statement = policy.get("Statement").get(0);
    assertThat(statement.get("Principal").get("Service").asText(), equalTo("events.amazonaws.com"));
    assertThat(statement.get("Condition").get("ArnLike").get("AWS:SourceArn").asText(), equalTo(rule.get("Arn").asText()));
  }

  @Test
  @Order(3)
  void deployRefusesAnInvalidRequestBeforeDeploying() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"pipeline\": \"loan-filter\", \"args\": {\"inptu\": \"s3://in/x.csv\"}}");
    Scripts.Result r = Scripts.run(ENV, "scripts/deploy/deploy", "--bucket", BUCKET, "--request", bad.toString(), "--stack", STACK + "-bad", "--skip-build");
    assertThat(r.exitCode(), equalTo(2));
    assertThat(r.stderr(), containsString("unknown option --inptu (did you mean --input?)"));
    assertThat(r.stderr(), containsString("nothing was deployed"));
    assertThat(Scripts.run(ENV, "aws", "cloudformation", "describe-stacks", "--stack-name", STACK + "-bad").exitCode(), equalTo(255));
  }

  @Test
  @Order(4)
  void runOnEmrLaunchesWithTheDeployedSettings() throws IOException {
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.put("BEAM_ETL_STACK", STACK);
    JsonNode result = JSON.readTree(Scripts.ok(env, "scripts/run-on-emr", "loan-filter", "--input=s3://in/once.csv", "--jdbcUrl=jdbc:postgresql://db/loans", "--runId=by-hand-1"));
    assertThat(result.get("runReport").asText(), equalTo("s3://" + BUCKET + "/beam-etl/runs/by-hand-1/report.json"));
    try (EmrClient emr = MotoClients.emr()) {
      String clusterId = result.get("clusterId").asText();
      var step = emr.listSteps(b -> b.clusterId(clusterId)).steps().get(0);
      assertThat(step.config().args().get(5), equalTo("s3://" + BUCKET + "/" + pipelinesKey));
      var cluster = emr.describeCluster(b -> b.clusterId(clusterId)).cluster();
      assertThat(cluster.logUri(), equalTo("s3://" + BUCKET + "/beam-etl/emr-logs/"));
    }
  }

  private static JsonNode aws(String... args) throws IOException {
    String[] command = new String[args.length + 3];
    command[0] = "aws";
    System.arraycopy(args, 0, command, 1, args.length);
    command[args.length + 1] = "--output";
    command[args.length + 2] = "json";
    return JSON.readTree(Scripts.ok(ENV, command));
  }

  private static String value(String output, String key) {
    Matcher m = Pattern.compile("^" + key + "=(.*)$", Pattern.MULTILINE).matcher(output);
    assertThat(output, m.find(), equalTo(true));
    return m.group(1);
  }
}
