package dev.beametl.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** The JSON the handler returns and the CLI prints. */
final class LaunchJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LaunchJson() {}

  /** A started run: the cluster, the run id, and where its report and logs will be. */
  static String result(EmrLauncher.LaunchResult result) {
    LaunchPlan plan = result.plan();
    ObjectNode node = JSON.createObjectNode();
    node.put("clusterId", result.clusterId());
    node.put("pipeline", plan.pipeline());
    node.put("runId", plan.runId());
    node.put("runReport", plan.runReport());
    node.put("rejects", plan.rejects());
    // EMR archives each cluster's logs under <LogUri>/<cluster id>/ (steps/<step id>/ for spark-submit's output).
    node.put("logs", plan.cluster().logUri() + (plan.cluster().logUri().endsWith("/") ? "" : "/") + result.clusterId() + "/");
    return write(node);
  }

  /** What a launch would do (the CLI's --dry-run). */
  static String plan(LaunchPlan plan) {
    ObjectNode node = JSON.createObjectNode();
    node.put("pipeline", plan.pipeline());
    node.put("runId", plan.runId());
    node.put("jar", plan.jar());
    node.put("runReport", plan.runReport());
    node.put("rejects", plan.rejects());
    node.set("stepArgs", JSON.valueToTree(plan.stepArgs()));
    node.set("cluster", JSON.valueToTree(plan.cluster()));
    return write(node);
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
