package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.StepConfig;
import software.amazon.awssdk.services.emr.model.Tag;

class LaunchPlanTest {
  private static final String JAR = "s3://artifacts/beam-etl/jars/beam-etl-0123abcd.jar";

  private static LaunchRequest request(String json) {
    return LaunchRequest.parse(json);
  }

  @Test
  void oneSparkSubmitStepWithTheRunsOutputsInS3() {
    LaunchPlan plan = LaunchPlan.of(request("""
        {"pipeline": "loan-filter", "jar": "%s", "args": {"input": "s3://in/loans/*.csv", "jdbcUrl": "jdbc:postgresql://db/loans", "runId": "r-1"}}
        """.formatted(JAR)), Map.of());
    assertThat(plan.stepArgs(), contains(
        "spark-submit", "--deploy-mode", "cluster", "--class", "dev.beametl.pipelines.BeamEtl", JAR, "loan-filter",
        "--runner=SparkRunner",
        "--runId=r-1",
        "--runReport=s3://artifacts/beam-etl/runs/r-1/report.json",
        "--rejects=s3://artifacts/beam-etl/runs/r-1/rejects.jsonl",
        "--input=s3://in/loans/*.csv",
        "--jdbcUrl=jdbc:postgresql://db/loans"));
    assertThat(plan.runReport(), equalTo("s3://artifacts/beam-etl/runs/r-1/report.json"));
  }

  @Test
  void theRunJobFlowRequestTerminatesTheClusterWhateverHappens() {
    RunJobFlowRequest r = LaunchPlan.of(request("""
        {"pipeline": "loan-filter", "jar": "%s", "args": {"input": "s3://in/x.csv", "jdbcUrl": "jdbc:postgresql://db/loans", "runId": "r-2"}}
        """.formatted(JAR)), Map.of()).toRunJobFlowRequest();
    assertThat(r.name(), equalTo("beam-etl r-2"));
    assertThat(r.releaseLabel(), equalTo("emr-7.8.0"));
    assertThat(r.applications().get(0).name(), equalTo("Spark"));
    assertThat(r.serviceRole(), equalTo("EMR_DefaultRole"));
    assertThat(r.jobFlowRole(), equalTo("EMR_EC2_DefaultRole"));
    assertThat(r.logUri(), equalTo("s3://artifacts/beam-etl/emr-logs/"));
    assertThat(r.instances().keepJobFlowAliveWhenNoSteps(), equalTo(false));
    assertThat(r.instances().terminationProtected(), equalTo(false));
    assertThat(r.instances().masterInstanceType(), equalTo("m5.xlarge"));
    assertThat(r.instances().slaveInstanceType(), equalTo("m5.xlarge"));
    assertThat(r.instances().instanceCount(), equalTo(3));
    assertThat(r.instances().ec2SubnetId(), nullValue());
    assertThat(r.autoTerminationPolicy().idleTimeout(), equalTo(3600L));
    StepConfig step = r.steps().get(0);
    assertThat(r.steps().size(), equalTo(1));
    assertThat(step.actionOnFailure(), equalTo(ActionOnFailure.TERMINATE_CLUSTER));
    assertThat(step.hadoopJarStep().jar(), equalTo("command-runner.jar"));
    assertThat(r.tags(), containsInAnyOrder(
        Tag.builder().key("beam-etl:pipeline").value("loan-filter").build(),
        Tag.builder().key("beam-etl:run-id").value("r-2").build()));
  }

  @Test
  void clusterSettingsComeFromTheRequestThenTheEnvironmentThenDefaults() {
    Map<String, String> env = Map.of(
        "BEAM_ETL_JAR", JAR,
        "BEAM_ETL_RUNS_URI", "s3://reports/runs",
        "EMR_RELEASE_LABEL", "emr-7.9.0",
        "EMR_INSTANCE_TYPE", "r5.xlarge",
        "EMR_INSTANCE_COUNT", "4",
        "EMR_SUBNET_ID", "subnet-env",
        "EMR_LOG_URI", "s3://logs/emr/",
        "EMR_SERVICE_ROLE", "svc-env",
        "EMR_IDLE_TIMEOUT_SECONDS", "600",
        "EMR_TAGS", "team=data, cost-center=42");
    LaunchPlan plan = LaunchPlan.of(request("""
        {"pipeline": "loan-filter", "args": {"input": "s3://in/x.csv", "jdbcUrl": "jdbc:postgresql://db/loans", "runId": "r-3"},
         "cluster": {"instanceCount": 9, "jobFlowRole": "ec2-request", "tags": {"team": "risk"}}}
        """), env);
    assertThat(plan.jar(), equalTo(JAR));
    assertThat(plan.runReport(), equalTo("s3://reports/runs/r-3/report.json"));
    RunJobFlowRequest r = plan.toRunJobFlowRequest();
    assertThat(r.releaseLabel(), equalTo("emr-7.9.0"));
    assertThat(r.instances().masterInstanceType(), equalTo("r5.xlarge"));
    assertThat(r.instances().instanceCount(), equalTo(9));
    assertThat(r.instances().ec2SubnetId(), equalTo("subnet-env"));
    assertThat(r.logUri(), equalTo("s3://logs/emr/"));
    assertThat(r.serviceRole(), equalTo("svc-env"));
    assertThat(r.jobFlowRole(), equalTo("ec2-request"));
    assertThat(r.autoTerminationPolicy().idleTimeout(), equalTo(600L));
    assertThat(r.tags(), containsInAnyOrder(
        Tag.builder().key("team").value("risk").build(),
        Tag.builder().key("cost-center").value("42").build(),
        Tag.builder().key("beam-etl:pipeline").value("loan-filter").build(),
        Tag.builder().key("beam-etl:run-id").value("r-3").build()));
  }

  @Test
  void runReportAndRejectsInTheArgsAreKept() {
    LaunchPlan plan = LaunchPlan.of(request("""
        {"pipeline": "loan-filter", "jar": "%s", "args": {"input": "s3://in/x.csv", "jdbcUrl": "jdbc:postgresql://db/loans", "runReport": "s3://mine/report.json"}}
        """.formatted(JAR)), Map.of());
    assertThat(plan.runReport(), equalTo("s3://mine/report.json"));
    assertThat(plan.stepArgs(), hasItem("--runReport=s3://mine/report.json"));
    assertThat(plan.stepArgs().stream().filter(a -> a.startsWith("--runReport=")).count(), equalTo(1L));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    LaunchRequestException e = assertThrows(LaunchRequestException.class, () -> LaunchPlan.of(request("""
        {"pipeline": "loan-filter", "args": {"inptu": "s3://in/x.csv", "jdbcUrl": "jdbc:postgresql://db/loans"}}
        """), Map.of("EMR_INSTANCE_COUNT", "three", "BEAM_ETL_RUNS_URI", "/tmp/runs")));
    assertThat(e.problems(), containsInAnyOrder(
        startsWith("jar is missing: give \"jar\" in the request or set BEAM_ETL_JAR"),
        equalTo("BEAM_ETL_RUNS_URI must be an s3:// URI, got '/tmp/runs'"),
        equalTo("environment variable EMR_INSTANCE_COUNT: 'three' is not a whole number"),
        startsWith("pipeline 'loan-filter': unknown option --inptu"),
        startsWith("pipeline 'loan-filter': missing required option --input")));
  }

  @Test
  void clusterValuesOutsideEmrsLimitsAreRejected() {
    LaunchRequestException e = assertThrows(LaunchRequestException.class, () -> LaunchPlan.of(request("""
        {"pipeline": "loan-filter", "jar": "s3://b/not-a-jar.zip", "args": {"input": "x", "jdbcUrl": "jdbc:postgresql://db/loans"}}
        """), Map.of()));
    assertThat(e.problems(), contains("jar must be an s3:// URI of a .jar file, got 's3://b/not-a-jar.zip'"));
    e = assertThrows(LaunchRequestException.class, () -> LaunchPlan.of(request("""
        {"pipeline": "loan-filter", "jar": "%s", "args": {"input": "x", "jdbcUrl": "jdbc:postgresql://db/loans"},
         "cluster": {"instanceCount": 0, "idleTimeoutSeconds": 30, "logUri": "/var/log", "tags": {"aws:x": "y"}}}
        """.formatted(JAR)), Map.of()));
    assertThat(e.problems(), equalTo(List.of(
        "cluster.instanceCount must be at least 1, got 0",
        "cluster.idleTimeoutSeconds must be between 60 and 604800 (EMR's limits), got 30",
        "cluster.logUri must be an s3:// URI, got '/var/log'",
        "cluster.tags: key 'aws:x' uses the reserved prefix aws:")));
  }
}
