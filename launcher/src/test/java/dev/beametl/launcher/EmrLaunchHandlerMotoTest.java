package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
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
import software.amazon.awssdk.services.emr.model.Cluster;
import software.amazon.awssdk.services.emr.model.StepSummary;
import software.amazon.awssdk.services.emr.model.Tag;

/** The Lambda handler end to end against moto's EMR: what a scheduled run really creates. */
class EmrLaunchHandlerMotoTest {
  private static final String JAR = "s3://artifacts/beam-etl/jars/beam-etl-0123abcd.jar";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmrClient emr;
  private static EmrLaunchHandler handler;

  @BeforeAll
  static void startEmr() {
    emr = MotoClients.emr();
    handler = new EmrLaunchHandler(new EmrLauncher(emr, MotoClients.emrServerless(), Map.of("BEAM_ETL_JAR", JAR, "EMR_TAGS", "team=data")));
  }

  @AfterAll
  static void closeClient() {
    emr.close();
  }

  private static JsonNode invoke(String event, RecordingContext context) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void startsAnAutoTerminatingClusterRunningExactlyTheSparkSubmitLine() throws IOException {
    RecordingContext context = new RecordingContext();
    JsonNode result = invoke("""
        {"pipeline": "loan-filter", "args": {"input": "s3://in/loans/*.csv", "jdbcUrl": "jdbc:postgresql://db:5432/loans",
                                             "table": "loans", "runId": "moto-run-1"}}
        """, context);
    String clusterId = result.get("clusterId").asText();
    assertThat(result.get("runId").asText(), equalTo("moto-run-1"));
    assertThat(result.get("runReport").asText(), equalTo("s3://artifacts/beam-etl/runs/moto-run-1/report.json"));
    assertThat(result.get("logs").asText(), equalTo("s3://artifacts/beam-etl/emr-logs/" + clusterId + "/"));
    assertThat(context.log(), containsString("launched " + clusterId + " for run moto-run-1"));

    Cluster cluster = emr.describeCluster(b -> b.clusterId(clusterId)).cluster();
    assertThat(cluster.name(), equalTo("beam-etl moto-run-1"));
    assertThat(cluster.autoTerminate(), equalTo(true));
    assertThat(cluster.terminationProtected(), equalTo(false));
    assertThat(cluster.releaseLabel(), equalTo("emr-7.8.0"));
    assertThat(cluster.applications().stream().map(a -> a.name()).toList(), contains("Spark"));
    assertThat(cluster.tags(), containsInAnyOrder(
        Tag.builder().key("team").value("data").build(),
        Tag.builder().key("beam-etl:pipeline").value("loan-filter").build(),
        Tag.builder().key("beam-etl:run-id").value("moto-run-1").build()));

    List<StepSummary> steps = emr.listSteps(b -> b.clusterId(clusterId)).steps();
    assertThat(steps.size(), equalTo(1));
    assertThat(steps.get(0).actionOnFailureAsString(), equalTo("TERMINATE_CLUSTER"));
    assertThat(steps.get(0).config().jar(), equalTo("command-runner.jar"));
    assertThat(steps.get(0).config().args(), contains(
        "timeout", "--verbose", "--signal=TERM", "--kill-after=60s", "14400s",
        "spark-submit", "--deploy-mode", "cluster", "--class", "dev.beametl.pipelines.BeamEtl", JAR, "loan-filter",
        "--runner=SparkRunner",
        "--runId=moto-run-1",
        "--runReport=s3://artifacts/beam-etl/runs/moto-run-1/report.json",
        "--rejects=s3://artifacts/beam-etl/runs/moto-run-1/rejects.jsonl",
        "--input=s3://in/loans/*.csv",
        "--jdbcUrl=jdbc:postgresql://db:5432/loans",
        "--table=loans"));
  }

  @Test
  void badRequestsCreateNoCluster() {
    int before = clusterCount();
    for (String bad : List.of(
        "{\"pipeline\": \"no-such-pipeline\", \"args\": {\"input\": \"s3://in/x.csv\"}}",
        "{\"pipeline\": \"loan-filter\", \"args\": {}}",
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"minLastFicoRangeLow\": \"high\"}}",
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\", \"colour\": \"blue\"}}",
        "{\"pipeline\": \"loan-filter\", \"args\": {\"input\": \"s3://in/x.csv\"}, \"cluster\": {\"idleTimeoutSeconds\": 5}}",
        "not json")) {
      RecordingContext context = new RecordingContext();
      LaunchRequestException e = assertThrows(LaunchRequestException.class, () -> invoke(bad, context));
      assertThat(context.log(), containsString("rejected, nothing launched: " + e.getMessage()));
    }
    assertThat(clusterCount(), equalTo(before));
  }

  private static int clusterCount() {
    return MotoClients.clusterCount(emr);
  }
}
