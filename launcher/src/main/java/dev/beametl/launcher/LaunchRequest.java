package dev.beametl.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to run: the EventBridge target's {@code Input}, or the CLI's JSON file.
 *
 * <pre>{"pipeline": "loan-filter", "jar": "s3://bucket/beam-etl/jars/beam-etl.jar",
 *  "args": {"input": "s3://...", "jdbcUrl": "..."},
 *  "cluster": {"instanceType": "m5.2xlarge", "instanceCount": 5, "tags": {"team": "data"}}}</pre>
 *
 * or, on EMR Serverless, {@code "target": "emr-serverless", "applicationId": "...",
 * "executionRoleArn": "...", "executionTimeoutMinutes": 120} in place of {@code cluster}.
 *
 * {@code args} are pipeline options without the leading dashes, in the order they are passed.
 * {@code jar}, {@code target} and every {@code cluster} and Serverless field are optional (see
 * {@link ClusterSettings} and {@link ServerlessSettings}); a null target means the environment's.
 */
public record LaunchRequest(
    String pipeline, String jar, Map<String, String> args, ClusterSettings cluster, LaunchTarget target, ServerlessSettings serverless) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of("pipeline", "jar", "args", "cluster", "target", "applicationId", "executionRoleArn", "executionTimeoutMinutes");

  public LaunchRequest {
    args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
  }

  /** A request for the environment's target, with no Serverless fields (the CLI's --run). */
  public LaunchRequest(String pipeline, String jar, Map<String, String> args, ClusterSettings cluster) {
    this(pipeline, jar, args, cluster, null, ServerlessSettings.none());
  }

  /** Reads a request; every malformed field is reported, each by name. */
  public static LaunchRequest parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new LaunchRequestException("not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new LaunchRequestException("a launch request is a JSON object with \"pipeline\", \"args\" and optionally \"jar\" and \"cluster\"");
    }
    List<String> problems = new ArrayList<>();
    unknownFields(root, FIELDS, "", problems);
    if (root.path("pipeline").isMissingNode() || root.get("pipeline").isNull()) {
      problems.add("pipeline is missing (e.g. \"pipeline\": \"loan-filter\")");
    }
    String pipeline = text(root, "pipeline", "pipeline", problems);
    String jar = text(root, "jar", "jar", problems);
    Map<String, String> args = args(root.get("args"), problems);
    ClusterSettings cluster = cluster(root.get("cluster"), problems);
    LaunchTarget target = LaunchTarget.parse(text(root, "target", "target", problems), "target", problems);
    ServerlessSettings serverless = new ServerlessSettings(
        text(root, "applicationId", "applicationId", problems),
        text(root, "executionRoleArn", "executionRoleArn", problems),
        wholeNumber(root, "executionTimeoutMinutes", "executionTimeoutMinutes", problems),
        null);
    if (!problems.isEmpty()) {
      throw new LaunchRequestException(problems);
    }
    return new LaunchRequest(pipeline, jar, args, cluster, target, serverless);
  }

  private static Map<String, String> args(JsonNode node, List<String> problems) {
    Map<String, String> args = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return args;
    }
    if (!node.isObject()) {
      problems.add("args must be an object of option names to values, e.g. {\"input\": \"s3://...\"}");
      return args;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
      JsonNode value = e.getValue();
      if (name.isEmpty() || name.contains("=")) {
        problems.add("args: '" + e.getKey() + "' is not an option name");
      } else if (value.isValueNode() && !value.isNull()) {
        args.put(name, value.asText());
      } else if (value.isObject()) {
        // JSON-valued options (a map, or an AWS client setting) are passed as JSON text, as on a command line.
        args.put(name, value.toString());
      } else {
        problems.add("args." + name + " must be a string, number, boolean or object, not " + value.getNodeType().name().toLowerCase());
      }
    }
    return args;
  }

  private static ClusterSettings cluster(JsonNode node, List<String> problems) {
    if (node == null || node.isNull()) {
      return ClusterSettings.none();
    }
    if (!node.isObject()) {
      problems.add("cluster must be an object");
      return ClusterSettings.none();
    }
    unknownFields(node, ClusterSettings.ENV.keySet(), "cluster.", problems);
    return new ClusterSettings(
        text(node, "name", "cluster.name", problems),
        text(node, "releaseLabel", "cluster.releaseLabel", problems),
        text(node, "instanceType", "cluster.instanceType", problems),
        wholeNumber(node, "instanceCount", "cluster.instanceCount", problems),
        text(node, "subnetId", "cluster.subnetId", problems),
        text(node, "logUri", "cluster.logUri", problems),
        text(node, "serviceRole", "cluster.serviceRole", problems),
        text(node, "jobFlowRole", "cluster.jobFlowRole", problems),
        wholeNumber(node, "idleTimeoutSeconds", "cluster.idleTimeoutSeconds", problems),
        wholeNumber(node, "maxRuntimeMinutes", "cluster.maxRuntimeMinutes", problems),
        tags(node.get("tags"), problems));
  }

  private static Map<String, String> tags(JsonNode node, List<String> problems) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      problems.add("cluster.tags must be an object of tag keys to values");
      return null;
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        tags.put(e.getKey(), e.getValue().asText());
      } else {
        problems.add("cluster.tags." + e.getKey() + " must be a string");
      }
    }
    return tags;
  }

  private static String text(JsonNode parent, String field, String where, List<String> problems) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      problems.add(where + " must be a non-empty string");
      return null;
    }
    return node.asText().trim();
  }

  private static Integer wholeNumber(JsonNode parent, String field, String where, List<String> problems) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      return node.asInt();
    }
    if (node.isTextual()) {
      return ClusterSettings.wholeNumber(node.asText().trim(), where, problems);
    }
    problems.add(where + " must be a whole number");
    return null;
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        problems.add("unknown field " + prefix + field + " (expected one of " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }
}
