package dev.beametl.launcher;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The EMR cluster a run gets. A request may give any subset; {@link #resolve} fills the rest from
 * the environment (the Lambda's variables, or the shell's for the CLI), then from defaults. Null
 * means "not given" until resolved; after it only {@code subnetId} may be null (EMR's default VPC).
 */
public record ClusterSettings(
    String name,
    String releaseLabel,
    String instanceType,
    Integer instanceCount,
    String subnetId,
    String logUri,
    String serviceRole,
    String jobFlowRole,
    Integer idleTimeoutSeconds,
    Integer maxRuntimeMinutes,
    Map<String, String> tags) {

  /**
   * EMR 7.8.0: Spark 3.5.4 on Java 17, and the same AWS SDK (2.29.52) as the pipelines jar, so the
   * cluster's SDK on the classpath cannot clash with the one the jar was built against.
   */
  public static final String DEFAULT_RELEASE_LABEL = "emr-7.8.0";
  public static final String DEFAULT_INSTANCE_TYPE = "m5.xlarge";
  /** One primary and two core nodes. */
  public static final int DEFAULT_INSTANCE_COUNT = 3;
  /** The roles {@code aws emr create-default-roles} creates. */
  public static final String DEFAULT_SERVICE_ROLE = "EMR_DefaultRole";
  public static final String DEFAULT_JOB_FLOW_ROLE = "EMR_EC2_DefaultRole";
  /** Safety net only: the cluster normally ends with its step. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 3600;
  /** EMR's bounds for an auto-termination idle timeout: one minute to seven days. */
  static final int MIN_IDLE_TIMEOUT_SECONDS = 60;
  static final int MAX_IDLE_TIMEOUT_SECONDS = 7 * 24 * 3600;
  /**
   * The idle policy never fires while a step runs, so a hung run is stopped at this cap (four hours
   * by default) and its cluster terminates.
   */
  public static final int DEFAULT_MAX_RUNTIME_MINUTES = 240;
  /** A week: longer than any run we expect, short enough that a forgotten cap still ends. */
  static final int MAX_RUNTIME_MINUTES_LIMIT = 7 * 24 * 60;

  /** The environment variable for each setting (the field names in a request's "cluster"). */
  static final Map<String, String> ENV =
      Map.ofEntries(
          Map.entry("name", "EMR_CLUSTER_NAME"),
          Map.entry("releaseLabel", "EMR_RELEASE_LABEL"),
          Map.entry("instanceType", "EMR_INSTANCE_TYPE"),
          Map.entry("instanceCount", "EMR_INSTANCE_COUNT"),
          Map.entry("subnetId", "EMR_SUBNET_ID"),
          Map.entry("logUri", "EMR_LOG_URI"),
          Map.entry("serviceRole", "EMR_SERVICE_ROLE"),
          Map.entry("jobFlowRole", "EMR_JOB_FLOW_ROLE"),
          Map.entry("idleTimeoutSeconds", "EMR_IDLE_TIMEOUT_SECONDS"),
          Map.entry("maxRuntimeMinutes", "EMR_MAX_RUNTIME_MINUTES"),
          Map.entry("tags", "EMR_TAGS"));

  public ClusterSettings {
    tags = tags == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  /** Nothing given. */
  public static ClusterSettings none() {
    return new ClusterSettings(null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * The settings from environment variables ({@code EMR_RELEASE_LABEL}, ...; {@code EMR_TAGS} is
   * {@code key=value,key=value}). Blank variables count as unset.
   */
  public static ClusterSettings fromEnvironment(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Function<String, String> var =
        field -> {
          String v = env.get(ENV.get(field));
          return v == null || v.isBlank() ? null : v.trim();
        };
    ClusterSettings settings =
        new ClusterSettings(
            var.apply("name"),
            var.apply("releaseLabel"),
            var.apply("instanceType"),
            wholeNumber(var.apply("instanceCount"), "environment variable " + ENV.get("instanceCount"), problems),
            var.apply("subnetId"),
            var.apply("logUri"),
            var.apply("serviceRole"),
            var.apply("jobFlowRole"),
            wholeNumber(var.apply("idleTimeoutSeconds"), "environment variable " + ENV.get("idleTimeoutSeconds"), problems),
            wholeNumber(var.apply("maxRuntimeMinutes"), "environment variable " + ENV.get("maxRuntimeMinutes"), problems),
            tagList(var.apply("tags"), problems));
    if (!problems.isEmpty()) {
      throw new LaunchRequestException(problems);
    }
    return settings;
  }

  /**
   * Request first, then environment, then defaults. Tags are merged (the request's win). The log
   * URI defaults to {@code <base>/emr-logs/} so the logs outlive the cluster.
   */
  public static ClusterSettings resolve(ClusterSettings request, ClusterSettings environment, String runId, String base) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (environment.tags() != null) {
      tags.putAll(environment.tags());
    }
    if (request.tags() != null) {
      tags.putAll(request.tags());
    }
    ClusterSettings resolved =
        new ClusterSettings(
            first(request.name(), environment.name(), "beam-etl " + runId),
            first(request.releaseLabel(), environment.releaseLabel(), DEFAULT_RELEASE_LABEL),
            first(request.instanceType(), environment.instanceType(), DEFAULT_INSTANCE_TYPE),
            first(request.instanceCount(), environment.instanceCount(), DEFAULT_INSTANCE_COUNT),
            first(request.subnetId(), environment.subnetId(), null),
            first(request.logUri(), environment.logUri(), base + "emr-logs/"),
            first(request.serviceRole(), environment.serviceRole(), DEFAULT_SERVICE_ROLE),
            first(request.jobFlowRole(), environment.jobFlowRole(), DEFAULT_JOB_FLOW_ROLE),
            first(request.idleTimeoutSeconds(), environment.idleTimeoutSeconds(), DEFAULT_IDLE_TIMEOUT_SECONDS),
            first(request.maxRuntimeMinutes(), environment.maxRuntimeMinutes(), DEFAULT_MAX_RUNTIME_MINUTES),
            tags);
    resolved.check();
    return resolved;
  }

  /** The names of the fields that are given (not null), as in a request's "cluster". */
  List<String> givenFields() {
    List<String> given = new ArrayList<>();
    for (RecordComponent c : getClass().getRecordComponents()) {
      try {
        if (c.getAccessor().invoke(this) != null) {
          given.add(c.getName());
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return given;
  }

  /** The same settings with {@code tags} instead. */
  public ClusterSettings withTags(Map<String, String> tags) {
    return new ClusterSettings(name, releaseLabel, instanceType, instanceCount, subnetId, logUri, serviceRole, jobFlowRole,
        idleTimeoutSeconds, maxRuntimeMinutes, tags);
  }

  private void check() {
    List<String> problems = new ArrayList<>();
    if (instanceCount < 1) {
      problems.add("cluster.instanceCount must be at least 1, got " + instanceCount);
    }
    if (idleTimeoutSeconds < MIN_IDLE_TIMEOUT_SECONDS || idleTimeoutSeconds > MAX_IDLE_TIMEOUT_SECONDS) {
      problems.add("cluster.idleTimeoutSeconds must be between " + MIN_IDLE_TIMEOUT_SECONDS + " and "
          + MAX_IDLE_TIMEOUT_SECONDS + " (EMR's limits), got " + idleTimeoutSeconds);
    }
    if (maxRuntimeMinutes < 1 || maxRuntimeMinutes > MAX_RUNTIME_MINUTES_LIMIT) {
      problems.add("cluster.maxRuntimeMinutes must be between 1 and " + MAX_RUNTIME_MINUTES_LIMIT + " (a week), got " + maxRuntimeMinutes);
    }
    if (!logUri.startsWith("s3://")) {
      problems.add("cluster.logUri must be an s3:// URI, got '" + logUri + "'");
    }
    if (name.length() > 256) {
      problems.add("cluster.name is longer than EMR's 256 characters");
    }
    for (String key : tags.keySet()) {
      if (key.startsWith("aws:")) {
        problems.add("cluster.tags: key '" + key + "' uses the reserved prefix aws:");
      }
    }
    if (!problems.isEmpty()) {
      throw new LaunchRequestException(problems);
    }
  }

  static Integer wholeNumber(String text, String where, List<String> problems) {
    if (text == null) {
      return null;
    }
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      problems.add(where + ": '" + text + "' is not a whole number");
      return null;
    }
  }

  private static Map<String, String> tagList(String text, List<String> problems) {
    if (text == null) {
      return null;
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        problems.add("environment variable EMR_TAGS: '" + pair.trim() + "' is not key=value");
      } else {
        tags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return tags;
  }

  @SafeVarargs
  private static <T> T first(T... candidates) {
    for (T c : candidates) {
      if (c != null) {
        return c;
      }
    }
    return null;
  }
}
