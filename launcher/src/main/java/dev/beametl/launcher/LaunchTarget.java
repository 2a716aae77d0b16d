package dev.beametl.launcher;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Where a run goes: a cluster of its own on EMR, or a job run on an EMR Serverless application. */
public enum LaunchTarget {
  EMR("emr"),
  EMR_SERVERLESS("emr-serverless");

  /** The target when a request has no "target". */
  public static final String ENV = "BEAM_ETL_TARGET";

  private final String id;

  LaunchTarget(String id) {
    this.id = id;
  }

  /** As written in a request: {@code emr} or {@code emr-serverless}. */
  public String id() {
    return id;
  }

  /** The target named by {@code text} (null if null); an unknown name is added to {@code problems}. */
  static LaunchTarget parse(String text, String where, List<String> problems) {
    if (text == null) {
      return null;
    }
    for (LaunchTarget t : values()) {
      if (t.id.equalsIgnoreCase(text.trim())) {
        return t;
      }
    }
    problems.add(where + ": '" + text + "' is not a launch target (expected one of "
        + Arrays.stream(values()).map(LaunchTarget::id).collect(Collectors.joining(", ")) + ")");
    return null;
  }
}
