package dev.beametl.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.Application;
import software.amazon.awssdk.services.emr.model.AutoTerminationPolicy;
import software.amazon.awssdk.services.emr.model.HadoopJarStepConfig;
import software.amazon.awssdk.services.emr.model.JobFlowInstancesConfig;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.StepConfig;
import software.amazon.awssdk.services.emr.model.Tag;

/**
 * A validated launch: everything {@code RunJobFlow} needs, decided before any AWS call. Building
 * one is the whole of the validation; {@link EmrLauncher} only sends it.
 *
 * <p>The cluster runs one step, {@code timeout ... <cap> spark-submit --deploy-mode cluster --class
 * <entry point> <jar> <pipeline> --runner=SparkRunner --runId=... --runReport=... --rejects=...
 * <args>}, and terminates when it ends: {@code KeepJobFlowAliveWhenNoSteps=false}, the step's
 * {@code ActionOnFailure=TERMINATE_CLUSTER}, an idle auto-termination policy as a safety net, and
 * the runtime cap ({@link RuntimeCap}) for a step that never ends.
 */
public record LaunchPlan(
    String pipeline,
    String runId,
    String jar,
    List<String> stepArgs,
    String runReport,
    String rejects,
    ClusterSettings cluster) {

  /** The pipelines jar's command line entry point; its first argument is the pipeline name. */
  public static final String ENTRY_POINT = "dev.beametl.pipelines.BeamEtl";
  public static final String PIPELINE_TAG = "beam-etl:pipeline";
  public static final String RUN_ID_TAG = "beam-etl:run-id";
  /** Every step's name starts with it, and so do default cluster names. */
  public static final String STEP_NAME_PREFIX = "beam-etl ";
  /** Where the pipelines jar is, when a request has no "jar". */
  public static final String JAR_ENV = "BEAM_ETL_JAR";
  /** Where run reports and rejects go, as {@code <runs>/<runId>/report.json}, unless args say otherwise. */
  public static final String RUNS_ENV = "BEAM_ETL_RUNS_URI";

  public LaunchPlan {
    stepArgs = List.copyOf(stepArgs);
  }

  /**
   * Checks the request against the pipeline's options and the environment's defaults; throws
   * {@link LaunchRequestException} naming every problem.
   */
  public static LaunchPlan of(LaunchRequest request, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    String jar = request.jar() != null ? request.jar() : blankToNull(env.get(JAR_ENV));
    if (jar == null) {
      problems.add("jar is missing: give \"jar\" in the request or set " + JAR_ENV + " (the pipelines jar, s3://bucket/key.jar)");
    } else if (!jar.matches("s3://[^/]+/.+\\.jar")) {
      problems.add("jar must be an s3:// URI of a .jar file, got '" + jar + "'");
    }
    String runs = blankToNull(env.get(RUNS_ENV));
    if (runs != null && !runs.startsWith("s3://")) {
      problems.add(RUNS_ENV + " must be an s3:// URI, got '" + runs + "'");
    }
    ClusterSettings fromEnv = null;
    try {
      fromEnv = ClusterSettings.fromEnvironment(env);
    } catch (LaunchRequestException e) {
      problems.addAll(e.problems());
    }
    PipelineArgs args = null;
    try {
      args = PipelineArgs.validate(request.pipeline(), request.args());
    } catch (LaunchRequestException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new LaunchRequestException(problems);
    }

    String base = "s3://" + bucket(jar) + "/beam-etl/";
    String runsBase = runs == null ? base + "runs/" : withSlash(runs);
    String runId = args.runId();
    Map<String, String> pipelineArgs = new LinkedHashMap<>();
    pipelineArgs.put("runner", "SparkRunner");
    pipelineArgs.put("runId", runId);
    pipelineArgs.put("runReport", runsBase + runId + "/report.json");
    pipelineArgs.put("rejects", runsBase + runId + "/rejects.jsonl");
    pipelineArgs.putAll(request.args());

    ClusterSettings cluster = ClusterSettings.resolve(request.cluster(), fromEnv, runId, base);
    Map<String, String> tags = new LinkedHashMap<>(cluster.tags());
    tags.put(PIPELINE_TAG, request.pipeline());
    tags.put(RUN_ID_TAG, runId);
    cluster = cluster.withTags(tags);

    List<String> sparkSubmit = new ArrayList<>(List.of("spark-submit", "--deploy-mode", "cluster", "--class", ENTRY_POINT, jar, request.pipeline()));
    sparkSubmit.addAll(PipelineArgs.cli(pipelineArgs));
    List<String> stepArgs = RuntimeCap.wrap(sparkSubmit, cluster.maxRuntimeMinutes() * 60L, RuntimeCap.KILL_AFTER_SECONDS);
    return new LaunchPlan(request.pipeline(), runId, jar, stepArgs, pipelineArgs.get("runReport"), pipelineArgs.get("rejects"), cluster);
  }

  /** The {@code RunJobFlow} request for this plan. */
  public RunJobFlowRequest toRunJobFlowRequest() {
    return RunJobFlowRequest.builder()
        .name(cluster.name())
        .releaseLabel(cluster.releaseLabel())
        .applications(Application.builder().name("Spark").build())
        .logUri(cluster.logUri())
        .serviceRole(cluster.serviceRole())
        .jobFlowRole(cluster.jobFlowRole())
        .visibleToAllUsers(true)
        .instances(
            JobFlowInstancesConfig.builder()
                .masterInstanceType(cluster.instanceType())
                .slaveInstanceType(cluster.instanceType())
                .instanceCount(cluster.instanceCount())
                .ec2SubnetId(cluster.subnetId())
                .keepJobFlowAliveWhenNoSteps(false)
                .terminationProtected(false)
                .build())
        .steps(
            StepConfig.builder()
                // The name alerts match on (EMR's events carry no tags): see the template's StepFailedRule.
                .name(STEP_NAME_PREFIX + pipeline + " run " + runId)
                .actionOnFailure(ActionOnFailure.TERMINATE_CLUSTER)
                .hadoopJarStep(HadoopJarStepConfig.builder().jar("command-runner.jar").args(stepArgs).build())
                .build())
        .autoTerminationPolicy(AutoTerminationPolicy.builder().idleTimeout((long) cluster.idleTimeoutSeconds()).build())
        .tags(cluster.tags().entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList())
        .build();
  }

  private static String bucket(String s3Uri) {
    String rest = s3Uri.substring("s3://".length());
    return rest.substring(0, rest.indexOf('/'));
  }

  private static String withSlash(String uri) {
    return uri.endsWith("/") ? uri : uri + "/";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
