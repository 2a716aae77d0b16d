package dev.beametl.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import software.amazon.awssdk.services.emrserverless.model.Configuration;
import software.amazon.awssdk.services.emrserverless.model.SparkSubmit;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;

/** The JSON the handler returns and the CLI prints. */
final class LaunchJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LaunchJson() {}

  /** A started run: the cluster or job run, the run id, and where its report and logs will be. */
  static String result(EmrLauncher.LaunchResult result) {
    LaunchPlan plan = result.plan();
    ObjectNode node = JSON.createObjectNode();
    String logs;
    if (plan.target() == LaunchTarget.EMR) {
      node.put("clusterId", result.id());
      // EMR archives each cluster's logs under <LogUri>/<cluster id>/ (steps/<step id>/ for spark-submit's output).
      logs = withSlash(plan.cluster().logUri()) + result.id() + "/";
    } else {
      node.put("applicationId", plan.serverless().applicationId());
      node.put("jobRunId", result.id());
      // EMR Serverless writes a job's logs under <logUri>/applications/<application id>/jobs/<job run id>/.
      logs = plan.serverlessLogUri() + "applications/" + plan.serverless().applicationId() + "/jobs/" + result.id() + "/";
    }
    node.put("target", plan.target().id());
    node.put("pipeline", plan.pipeline());
    node.put("runId", plan.runId());
    node.put("runReport", plan.runReport());
    node.put("rejects", plan.rejects());
    node.put("logs", logs);
    return write(node);
  }

  /** What a launch would do (the CLI's --dry-run): for EMR the step and cluster, for EMR Serverless the StartJobRun request. */
  static String plan(LaunchPlan plan) {
    ObjectNode node = JSON.createObjectNode();
    node.put("target", plan.target().id());
    node.put("pipeline", plan.pipeline());
    node.put("runId", plan.runId());
    node.put("jar", plan.jar());
    node.put("runReport", plan.runReport());
    node.put("rejects", plan.rejects());
    if (plan.target() == LaunchTarget.EMR) {
      node.set("stepArgs", JSON.valueToTree(plan.stepArgs()));
      node.set("cluster", JSON.valueToTree(plan.cluster()));
    } else {
      node.set("startJobRun", startJobRun(plan.toStartJobRunRequest()));
    }
    return write(node);
  }

  /** The request as the StartJobRun API takes it (the aws CLI's --cli-input-json shape). */
  private static ObjectNode startJobRun(StartJobRunRequest r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("applicationId", r.applicationId());
    node.put("executionRoleArn", r.executionRoleArn());
    node.put("name", r.name());
    node.put("clientToken", r.clientToken());
    node.put("executionTimeoutMinutes", r.executionTimeoutMinutes());
    SparkSubmit spark = r.jobDriver().sparkSubmit();
    ObjectNode sparkSubmit = node.putObject("jobDriver").putObject("sparkSubmit");
    sparkSubmit.put("entryPoint", spark.entryPoint());
    sparkSubmit.set("entryPointArguments", JSON.valueToTree(spark.entryPointArguments()));
    sparkSubmit.put("sparkSubmitParameters", spark.sparkSubmitParameters());
    ObjectNode overrides = node.putObject("configurationOverrides");
    ArrayNode configurations = overrides.putArray("applicationConfiguration");
    for (Configuration c : r.configurationOverrides().applicationConfiguration()) {
      ObjectNode config = configurations.addObject();
      config.put("classification", c.classification());
      config.set("properties", JSON.valueToTree(c.properties()));
    }
    overrides.putObject("monitoringConfiguration").putObject("s3MonitoringConfiguration")
        .put("logUri", r.configurationOverrides().monitoringConfiguration().s3MonitoringConfiguration().logUri());
    node.set("tags", JSON.valueToTree(r.tags()));
    return node;
  }

  private static String withSlash(String uri) {
    return uri.endsWith("/") ? uri : uri + "/";
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
