package dev.beametl.options;

import java.util.List;

/** Arguments a pipeline cannot run with: every problem found, one line each, each naming its option. */
public final class InvalidOptionsException extends IllegalArgumentException {
  private final List<String> problems;

  public InvalidOptionsException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
