package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.GateSpecs;
import dev.beametl.options.RowRuleOptions;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.gates.RowRules;
import dev.beametl.transforms.report.GateResult;
import dev.beametl.transforms.report.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The quality gates of a run, from its options: row rules to apply in the pipeline, and the
 * thresholds checked on the run's counts before anything is published.
 */
final class QualityGates {
  private QualityGates() {}

  /** The row rules declared by {@code --notNull}, {@code --range} and {@code --unique}. */
  static RowRules rowRules(RowRuleOptions options) {
    return RowRules.none()
        .withNotNull(GateSpecs.columns("notNull", options.getNotNull()))
        .withRanges(
            GateSpecs.ranges(options.getRange()).stream()
                .map(r -> new RowRules.Range(r.column(), r.min(), r.max()))
                .toList())
        .withUnique(GateSpecs.columns("unique", options.getUnique()));
  }

  /**
   * Each gate's result on the run's counts: the thresholds, and how many rows each declared row
   * rule rejected (those are rejects, not failures, unless {@code --maxRejected} says so).
   */
  static List<GateResult> evaluate(EtlOptions options, RunReport report) {
    List<GateResult> results = new ArrayList<>();
    long read = report.count(EtlMetrics.READ);
    long rejected = report.count(EtlMetrics.REJECTED);
    GateSpecs.RejectLimit limit = GateSpecs.rejectLimit(options.getMaxRejected());
    if (limit != null) {
      long allowed = limit.allowed(read);
      String observed = rejected + " of " + read + " read" + (limit.percent() ? " (allowed " + allowed + ")" : "");
      results.add(new GateResult("maxRejected", limit.toString(), observed, rejected <= allowed));
    }
    if (options.getMinRecords() != null) {
      results.add(new GateResult("minRecords", Long.toString(options.getMinRecords()), read + " read", read >= options.getMinRecords()));
    }
    report.rejectReasons().forEach((reason, n) -> {
      if (reason.startsWith("rule_")) {
        results.add(new GateResult(reason, "rows rejected", Long.toString(n), true));
      }
    });
    return results;
  }

  /** The breached gates in one line, or null when every gate passed. */
  static String breached(List<GateResult> results) {
    List<GateResult> failed = results.stream().filter(g -> !g.passed()).toList();
    if (failed.isEmpty()) {
      return null;
    }
    return "quality gate breached: "
        + failed.stream().map(g -> g.gate() + " " + g.limit() + ", observed " + g.observed()).collect(Collectors.joining("; "))
        + "; nothing was published and no input was touched";
  }
}
