package dev.beametl.launcher;

import java.util.List;

/** A launch request that cannot run as given. Thrown before anything is created in AWS. */
public final class LaunchRequestException extends RuntimeException {
  private final List<String> problems;

  public LaunchRequestException(List<String> problems) {
    super("invalid launch request: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public LaunchRequestException(String problem) {
    this(List.of(problem));
  }

  /** Every problem found, each naming the field or option at fault. */
  public List<String> problems() {
    return problems;
  }
}
