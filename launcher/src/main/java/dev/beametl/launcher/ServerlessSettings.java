package dev.beametl.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EMR Serverless side of a launch: the application that runs the job, the role the job runs
 * as, and its timeout. A request may give any of them; {@link #resolve} fills the rest from the
 * environment, and the timeout from the EMR runtime cap ({@code cluster.maxRuntimeMinutes} / {@code
 * EMR_MAX_RUNTIME_MINUTES} / 240), so both targets stop a hung run at the same time by default.
 * Tags are the request's {@code cluster.tags} over {@code EMR_TAGS}; null until resolved.
 */
public record ServerlessSettings(String applicationId, String executionRoleArn, Integer executionTimeoutMinutes, Map<String, String> tags) {
  public static final String APPLICATION_ID_ENV = "EMR_SERVERLESS_APPLICATION_ID";
  public static final String EXECUTION_ROLE_ARN_ENV = "EMR_SERVERLESS_EXECUTION_ROLE_ARN";
  /** EMR Serverless refuses a run timeout under five minutes. */
  static final int MIN_EXECUTION_TIMEOUT_MINUTES = 5;

  public ServerlessSettings {
    tags = tags == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  /** Nothing given. */
  public static ServerlessSettings none() {
    return new ServerlessSettings(null, null, null, null);
  }

  /** Whether the request gave any of the Serverless-only fields. */
  boolean anyGiven() {
    return applicationId != null || executionRoleArn != null || executionTimeoutMinutes != null;
  }

  /**
   * Request first, then environment; throws {@link LaunchRequestException} naming what is missing
   * or malformed. {@code cluster} is the resolved EMR settings, for the runtime cap and the tags.
   */
  static ServerlessSettings resolve(ServerlessSettings request, Map<String, String> env, ClusterSettings cluster) {
    List<String> problems = new ArrayList<>();
    String applicationId = first(request.applicationId(), env.get(APPLICATION_ID_ENV));
    String roleArn = first(request.executionRoleArn(), env.get(EXECUTION_ROLE_ARN_ENV));
    int timeout = request.executionTimeoutMinutes() != null ? request.executionTimeoutMinutes() : cluster.maxRuntimeMinutes();
    if (applicationId == null) {
      problems.add("applicationId is missing: give \"applicationId\" in the request or set " + APPLICATION_ID_ENV
          + " (the EMR Serverless application's id, e.g. 00fabcdefghij123)");
    } else if (!applicationId.matches("[0-9a-z]{1,64}")) {
      problems.add("applicationId must be an EMR Serverless application id (lower-case letters and digits), got '" + applicationId + "'");
    }
    if (roleArn == null) {
      problems.add("executionRoleArn is missing: give \"executionRoleArn\" in the request or set " + EXECUTION_ROLE_ARN_ENV
          + " (the IAM role the job runs as, arn:aws:iam::<account>:role/<name>)");
    } else if (!roleArn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/\\S+")) {
      problems.add("executionRoleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got '" + roleArn + "'");
    }
    if (timeout < MIN_EXECUTION_TIMEOUT_MINUTES || timeout > ClusterSettings.MAX_RUNTIME_MINUTES_LIMIT) {
      problems.add("executionTimeoutMinutes must be between " + MIN_EXECUTION_TIMEOUT_MINUTES + " (EMR Serverless's minimum) and "
          + ClusterSettings.MAX_RUNTIME_MINUTES_LIMIT + " (a week), got " + timeout);
    }
    if (!problems.isEmpty()) {
      throw new LaunchRequestException(problems);
    }
    return new ServerlessSettings(applicationId, roleArn, timeout, cluster.tags());
  }

  private static String first(String fromRequest, String fromEnv) {
    if (fromRequest != null) {
      return fromRequest;
    }
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
  }
}
