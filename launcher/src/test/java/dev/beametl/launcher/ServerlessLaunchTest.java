package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emrserverless.model.Configuration;
import software.amazon.awssdk.services.emrserverless.model.SparkSubmit;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;

/** The StartJobRun request a launch request with "target": "emr-serverless" becomes. */
class ServerlessLaunchTest {
  private static final String JAR = "s3://artifacts/beam-etl/jars/beam-etl-0123abcd.jar";
  private static final String ROLE = "arn:aws:iam::123456789012:role/beam-etl-serverless";

  private static LaunchPlan plan(String json, Map<String, String> env) {
    return LaunchPlan.of(LaunchRequest.parse(json), env);
  }

  private static List<String> problems(String json, Map<String, String> env) {
    return assertThrows(LaunchRequestException.class, () -> plan(json, env)).problems();
  }

  @Test
  void theJarIsTheEntryPointWithThePipelinesArgumentsAndJava17Options() {
    StartJobRunRequest r = plan("""
        {"pipeline": "loan-filter", "target": "emr-serverless", "applicationId": "00fabc123", "executionRoleArn": "%s",
         "jar": "%s", "args": {"input": "s3://in/loans/*.csv", "jdbcUrl": "jdbc:postgresql://db/loans", "runId": "s-1"}, "cluster": {"tags": {"team": "data"}}}
        """.formatted(ROLE, JAR), Map.of()).toStartJobRunRequest();
    assertThat(r.applicationId(), equalTo("00fabc123"));
    assertThat(r.executionRoleArn(), equalTo(ROLE));
    assertThat(r.name(), equalTo("beam-etl loan-filter run s-1"));
    assertThat(r.executionTimeoutMinutes(), equalTo(240L));
    SparkSubmit spark = r.jobDriver().sparkSubmit();
    assertThat(spark.entryPoint(), equalTo(JAR));
    assertThat(spark.sparkSubmitParameters(), equalTo("--class dev.beametl.pipelines.BeamEtl"));
    assertThat(spark.entryPointArguments(), contains("loan-filter",
        "--runner=SparkRunner", "--runId=s-1",
        "--runReport=s3://artifacts/beam-etl/runs/s-1/report.json",
        "--rejects=s3://artifacts/beam-etl/runs/s-1/rejects.jsonl",
        "--input=s3://in/loans/*.csv", "--jdbcUrl=jdbc:postgresql://db/loans"));
    Configuration defaults = r.configurationOverrides().applicationConfiguration().get(0);
    assertThat(defaults.classification(), equalTo("spark-defaults"));
    for (String property : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
      assertThat(defaults.properties().get(property), containsString("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"));
      assertThat(defaults.properties().get(property), containsString("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"));
    }
    assertThat(r.configurationOverrides().monitoringConfiguration().s3MonitoringConfiguration().logUri(),
        equalTo("s3://artifacts/beam-etl/runs/s-1/logs/"));
    assertThat(r.tags(), equalTo(Map.of("team", "data", "beam-etl:pipeline", "loan-filter", "beam-etl:run-id", "s-1")));
  }

  @Test
  void settingsComeFromTheEnvironmentAndTheTimeoutFromTheRuntimeCap() {
    Map<String, String> env = Map.of("BEAM_ETL_JAR", JAR, "BEAM_ETL_TARGET", "emr-serverless",
        "EMR_SERVERLESS_APPLICATION_ID", "00fenv", "EMR_SERVERLESS_EXECUTION_ROLE_ARN", ROLE, "EMR_MAX_RUNTIME_MINUTES", "90");
    LaunchPlan plan = plan("{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\", \"runId\": \"s-2\"}}", env);
    assertThat(plan.target(), equalTo(LaunchTarget.EMR_SERVERLESS));
    StartJobRunRequest r = plan.toStartJobRunRequest();
    assertThat(r.applicationId(), equalTo("00fenv"));
    assertThat(r.executionTimeoutMinutes(), equalTo(90L));
    assertThat(plan("{\"pipeline\": \"loan-filter\", \"executionTimeoutMinutes\": 30, \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\"}}", env)
        .toStartJobRunRequest().executionTimeoutMinutes(), equalTo(30L));
    // The same run id gives the same client token: a retried launch starts no second job.
    assertThat(plan.toStartJobRunRequest().clientToken(),
        equalTo(plan("{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/y.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\", \"runId\": \"s-2\"}}", env).toStartJobRunRequest().clientToken()));
  }

  @Test
  void theSameValidationAndTheServerlessFieldsAreCheckedBeforeAnyCall() {
    assertThat(problems("""
        {"pipeline": "loan-filter", "target": "emr-serverless", "jar": "%s", "args": {"inptu": "s3://in/x.csv", "jdbcUrl": "jdbc:postgresql://db/loans"},
         "cluster": {"instanceCount": 4, "tags": {"team": "data"}}}
        """.formatted(JAR), Map.of()), containsInAnyOrder(
        startsWith("cluster.instanceCount applies only to target emr"),
        startsWith("pipeline 'loan-filter': unknown option --inptu"),
        startsWith("pipeline 'loan-filter': missing required option --input")));
    assertThat(problems("""
        {"pipeline": "loan-filter", "target": "emr-serverless", "jar": "%s", "args": {"input": "s3://in/x.csv", "jdbcUrl": "jdbc:postgresql://db/loans"},
         "executionRoleArn": "beam-etl-role", "executionTimeoutMinutes": 2}
        """.formatted(JAR), Map.of()), contains(
        startsWith("applicationId is missing: give \"applicationId\" in the request or set EMR_SERVERLESS_APPLICATION_ID"),
        equalTo("executionRoleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got 'beam-etl-role'"),
        equalTo("executionTimeoutMinutes must be between 5 (EMR Serverless's minimum) and 10080 (a week), got 2")));
    assertThat(problems("""
        {"pipeline": "loan-filter", "target": "emr", "jar": "%s", "args": {"input": "s3://in/x.csv", "jdbcUrl": "jdbc:postgresql://db/loans"}, "applicationId": "00f1"}
        """.formatted(JAR), Map.of()), contains(startsWith("applicationId, executionRoleArn and executionTimeoutMinutes apply only to")));
    assertThat(problems("{\"pipeline\": \"loan-filter\", \"target\": \"glue\", \"args\": {\"input\": \"x\"}}", Map.of()),
        contains("target: 'glue' is not a launch target (expected one of emr, emr-serverless)"));
  }
}
