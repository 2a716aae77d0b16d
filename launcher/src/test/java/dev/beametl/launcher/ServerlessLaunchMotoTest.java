package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.JobRun;

/** The Lambda handler with target emr-serverless, against moto's EMR Serverless API. */
class ServerlessLaunchMotoTest {
  private static final String JAR = "s3://artifacts/beam-etl/jars/beam-etl-0123abcd.jar";
  private static final String ROLE = "arn:aws:iam::123456789012:role/beam-etl-serverless";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmrClient emr;
  private static EmrServerlessClient serverless;
  private static String applicationId;
  private static EmrLaunchHandler handler;

  @BeforeAll
  static void createApplication() {
    emr = MotoClients.emr();
    serverless = MotoClients.emrServerless();
    applicationId = MotoClients.sparkApplication(serverless, "emr-7.8.0");
    handler = new EmrLaunchHandler(new EmrLauncher(emr, serverless, Map.of("BEAM_ETL_JAR", JAR, "BEAM_ETL_TARGET", "emr-serverless",
        "EMR_SERVERLESS_APPLICATION_ID", applicationId, "EMR_SERVERLESS_EXECUTION_ROLE_ARN", ROLE)));
  }

  @AfterAll
  static void closeClients() {
    emr.close();
    serverless.close();
  }

  private static JsonNode invoke(String event, RecordingContext context) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void startsAJobRunWithTheJarAsEntryPointAndThePipelinesArguments() throws IOException {
    RecordingContext context = new RecordingContext();
    JsonNode result = invoke("{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/loans/*.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\", \"runId\": \"sl-1\"}}", context);
    String jobRunId = result.get("jobRunId").asText();
    assertThat(result.get("target").asText(), equalTo("emr-serverless"));
    assertThat(result.get("applicationId").asText(), equalTo(applicationId));
    assertThat(result.get("runReport").asText(), equalTo("s3://artifacts/beam-etl/runs/sl-1/report.json"));
    assertThat(result.get("logs").asText(),
        equalTo("s3://artifacts/beam-etl/runs/sl-1/logs/applications/" + applicationId + "/jobs/" + jobRunId + "/"));
    assertThat(context.log(), containsString("launched " + jobRunId + " for run sl-1"));

    JobRun run = serverless.getJobRun(b -> b.applicationId(applicationId).jobRunId(jobRunId)).jobRun();
    assertThat(run.name(), equalTo("beam-etl loan-filter run sl-1"));
    assertThat(run.jobDriver().sparkSubmit().entryPoint(), equalTo(JAR));
    assertThat(run.jobDriver().sparkSubmit().sparkSubmitParameters(), equalTo("--class dev.beametl.pipelines.BeamEtl"));
    assertThat(run.jobDriver().sparkSubmit().entryPointArguments(), contains("loan-filter", "--runner=SparkRunner", "--runId=sl-1",
        "--runReport=s3://artifacts/beam-etl/runs/sl-1/report.json", "--rejects=s3://artifacts/beam-etl/runs/sl-1/rejects.jsonl",
        "--input=s3://in/loans/*.csv", "--jdbcUrl=jdbc:postgresql://db/loans"));
    assertThat(run.configurationOverrides().monitoringConfiguration().s3MonitoringConfiguration().logUri(),
        equalTo("s3://artifacts/beam-etl/runs/sl-1/logs/"));
    assertThat(run.configurationOverrides().applicationConfiguration().get(0).properties().get("spark.driver.extraJavaOptions"),
        containsString("--add-opens=java.base/java.nio=ALL-UNNAMED"));
  }

  @Test
  void invalidRequestsStartNoJobRunAndCreateNoCluster() {
    int runsBefore = MotoClients.jobRunCount(serverless, applicationId);
    int clustersBefore = MotoClients.clusterCount(emr);
    String otherRelease = MotoClients.sparkApplication(serverless, "emr-6.15.0");
    for (String bad : List.of(
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\", \"afterLoad\": \"burn\"}}",
        "{\"pipeline\": \"loan-filter\", \"args\": {}}",
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\"}, \"cluster\": {\"instanceType\": \"m5.24xlarge\"}}",
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\"}, \"applicationId\": \"00fnosuchapp\"}",
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"jdbcUrl\": \"jdbc:postgresql://db/loans\"}, \"applicationId\": \"" + otherRelease + "\"}")) {
      RecordingContext context = new RecordingContext();
      LaunchRequestException e = assertThrows(LaunchRequestException.class, () -> invoke(bad, context));
      assertThat(context.log(), containsString("rejected, nothing launched: " + e.getMessage()));
    }
    assertThat(MotoClients.jobRunCount(serverless, applicationId), equalTo(runsBefore));
    assertThat(MotoClients.jobRunCount(serverless, otherRelease), equalTo(0));
    assertThat(MotoClients.clusterCount(emr), equalTo(clustersBefore));
  }
}
