package dev.beametl.launcher;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.Application;
import software.amazon.awssdk.services.emr.model.AutoTerminationPolicy;
import software.amazon.awssdk.services.emr.model.HadoopJarStepConfig;
import software.amazon.awssdk.services.emr.model.JobFlowInstancesConfig;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.StepConfig;
import software.amazon.awssdk.services.emr.model.Tag;
import software.amazon.awssdk.services.emrserverless.model.Configuration;
import software.amazon.awssdk.services.emrserverless.model.ConfigurationOverrides;
import software.amazon.awssdk.services.emrserverless.model.JobDriver;
import software.amazon.awssdk.services.emrserverless.model.MonitoringConfiguration;
import software.amazon.awssdk.services.emrserverless.model.S3MonitoringConfiguration;
import software.amazon.awssdk.services.emrserverless.model.SparkSubmit;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;

/**
 * A validated launch: everything {@code RunJobFlow} (target {@code emr}) or {@code StartJobRun}
 * (target {@code emr-serverless}) needs, decided before any AWS call. Building one is the whole of
 * the validation; {@link EmrLauncher} only sends it.
 *
 * <p>On EMR the cluster runs one step, {@code timeout ... <cap> spark-submit --deploy-mode cluster
 * --class <entry point> <jar> <pipeline> --runner=SparkRunner --runId=... --runReport=...
 * --rejects=... <args>}, and terminates when it ends: {@code KeepJobFlowAliveWhenNoSteps=false},
 * the step's {@code ActionOnFailure=TERMINATE_CLUSTER}, an idle auto-termination policy as a safety
 * net, and the runtime cap ({@link RuntimeCap}) for a step that never ends. On EMR Serverless the
 * same jar and arguments are the job's spark-submit, and the run timeout is the cap.
 *
 * @param jarArgs the pipelines jar's arguments: the pipeline name, then its options
 * @param cluster the resolved EMR settings; for {@code emr-serverless} only their tags and runtime cap count
 * @param serverless the resolved EMR Serverless settings, or null for target {@code emr}
 * @param serverlessLogUri where an EMR Serverless job's logs go (under the run's folder), or null
 */
public record LaunchPlan(
    LaunchTarget target,
    String pipeline,
    String runId,
    String jar,
    List<String> jarArgs,
    String runReport,
    String rejects,
    ClusterSettings cluster,
    ServerlessSettings serverless,
    String serverlessLogUri) {

  /** The pipelines jar's command line entry point; its first argument is the pipeline name. */
  public static final String ENTRY_POINT = "dev.beametl.pipelines.BeamEtl";
  public static final String PIPELINE_TAG = "beam-etl:pipeline";
  public static final String RUN_ID_TAG = "beam-etl:run-id";
  /** Every step's and job run's name starts with it, and so do default cluster names. */
  public static final String NAME_PREFIX = "beam-etl ";
  /** Where the pipelines jar is, when a request has no "jar". */
  public static final String JAR_ENV = "BEAM_ETL_JAR";
  /** Where run reports and rejects go, as {@code <runs>/<runId>/report.json}, unless args say otherwise. */
  public static final String RUNS_ENV = "BEAM_ETL_RUNS_URI";
  /**
   * The JDK internals Spark 3.5 and Beam's Spark runner reach into on Java 17 (the root pom's
   * {@code java17.opens}). YARN's spark-submit adds them on EMR; on EMR Serverless the launcher
   * sets them on the driver and the executors.
   */
  static final String JAVA_17_OPTIONS =
      String.join(" ", List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
              "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar")
          .stream().map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList());

  public LaunchPlan {
    jarArgs = List.copyOf(jarArgs);
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
    LaunchTarget target = request.target();
    if (target == null) {
      target = LaunchTarget.parse(blankToNull(env.get(LaunchTarget.ENV)), "environment variable " + LaunchTarget.ENV, problems);
    }
    if (target == null) {
      target = LaunchTarget.EMR;
    }
    if (target == LaunchTarget.EMR && request.serverless().anyGiven()) {
      problems.add("applicationId, executionRoleArn and executionTimeoutMinutes apply only to \"target\": \"emr-serverless\"");
    }
    if (target == LaunchTarget.EMR_SERVERLESS) {
      for (String field : request.cluster().givenFields()) {
        if (!field.equals("tags")) {
          problems.add("cluster." + field + " applies only to target emr; on emr-serverless the application sets the capacity"
              + (field.equals("maxRuntimeMinutes") ? " and \"executionTimeoutMinutes\" caps the run" : ""));
        }
      }
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
    List<String> jarArgs = new ArrayList<>(List.of(request.pipeline()));
    jarArgs.addAll(PipelineArgs.cli(pipelineArgs));

    ClusterSettings cluster = ClusterSettings.resolve(request.cluster(), fromEnv, runId, base);
    Map<String, String> tags = new LinkedHashMap<>(cluster.tags());
    tags.put(PIPELINE_TAG, request.pipeline());
    tags.put(RUN_ID_TAG, runId);
    cluster = cluster.withTags(tags);
    ServerlessSettings serverless = null;
    String serverlessLogUri = null;
    if (target == LaunchTarget.EMR_SERVERLESS) {
      serverless = ServerlessSettings.resolve(request.serverless(), env, cluster);
      serverlessLogUri = runsBase + runId + "/logs/";
    }
    return new LaunchPlan(target, request.pipeline(), runId, jar, jarArgs, pipelineArgs.get("runReport"), pipelineArgs.get("rejects"),
        cluster, serverless, serverlessLogUri);
  }

  /** The EMR step's command: spark-submit under the runtime cap. */
  public List<String> stepArgs() {
    List<String> sparkSubmit = new ArrayList<>(List.of("spark-submit", "--deploy-mode", "cluster", "--class", ENTRY_POINT, jar));
    sparkSubmit.addAll(jarArgs);
    return RuntimeCap.wrap(sparkSubmit, cluster.maxRuntimeMinutes() * 60L, RuntimeCap.KILL_AFTER_SECONDS);
  }

  /** The name of the EMR step or the EMR Serverless job run; the alerts match on it (EMR's events carry no tags). */
  public String runName() {
    return NAME_PREFIX + pipeline + " run " + runId;
  }

  /** The {@code RunJobFlow} request for this plan (target {@code emr}). */
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
                .name(runName())
                .actionOnFailure(ActionOnFailure.TERMINATE_CLUSTER)
                .hadoopJarStep(HadoopJarStepConfig.builder().jar("command-runner.jar").args(stepArgs()).build())
                .build())
        .autoTerminationPolicy(AutoTerminationPolicy.builder().idleTimeout((long) cluster.idleTimeoutSeconds()).build())
        .tags(cluster.tags().entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList())
        .build();
  }

  /**
   * The {@code StartJobRun} request for this plan (target {@code emr-serverless}). The client token
   * is derived from the run id, so a launch retried with the same run id starts no second job.
   */
  public StartJobRunRequest toStartJobRunRequest() {
    return StartJobRunRequest.builder()
        .applicationId(serverless.applicationId())
        .executionRoleArn(serverless.executionRoleArn())
        .name(runName())
        .clientToken(UUID.nameUUIDFromBytes(runId.getBytes(StandardCharsets.UTF_8)).toString())
        .executionTimeoutMinutes((long) serverless.executionTimeoutMinutes())
        .jobDriver(JobDriver.builder()
            .sparkSubmit(SparkSubmit.builder().entryPoint(jar).entryPointArguments(jarArgs).sparkSubmitParameters("--class " + ENTRY_POINT).build())
            .build())
        .configurationOverrides(ConfigurationOverrides.builder()
            // In spark-defaults, not sparkSubmitParameters: the options hold spaces.
            .applicationConfiguration(Configuration.builder()
                .classification("spark-defaults")
                .properties(Map.of("spark.driver.extraJavaOptions", JAVA_17_OPTIONS, "spark.executor.extraJavaOptions", JAVA_17_OPTIONS))
                .build())
            .monitoringConfiguration(MonitoringConfiguration.builder()
                .s3MonitoringConfiguration(S3MonitoringConfiguration.builder().logUri(serverlessLogUri).build())
                .build())
            .build())
        .tags(serverless.tags())
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
