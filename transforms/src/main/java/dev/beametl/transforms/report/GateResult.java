package dev.beametl.transforms.report;

/**
 * One quality gate as the run report shows it: what was checked, the limit, what the run
 * observed, and whether it passed.
 */
public record GateResult(String gate, String limit, String observed, boolean passed) {

  /** e.g. {@code maxRejected: 12 > 10} for a breached gate. */
  public String describe() {
    return gate + " " + limit + ": observed " + observed + (passed ? " (passed)" : " (breached)");
  }
}
