package dev.beametl.transforms;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;

/**
 * The counters a run report is built from. Every record read ends in exactly one of written,
 * filtered or rejected, so {@code read = written + filtered + rejected} holds for every run. In an
 * aggregation a record ends aggregated instead, {@code read = aggregated + filtered + rejected},
 * and {@code written} counts the output rows.
 */
public final class EtlMetrics {
  public static final String NAMESPACE = "beam-etl";

  private EtlMetrics() {}

  public static final String READ = "read";
  public static final String WRITTEN = "written";
  public static final String FILTERED = "filtered";
  /** Records folded into an aggregate's output rows (their outcome, in place of written). */
  public static final String AGGREGATED = "aggregated";
  public static final String REJECTED = "rejected";
  /** Prefix of the per-reason reject counters: {@code rejected.<reason>}. */
  public static final String REJECTED_PREFIX = REJECTED + ".";

  public static Counter read() {
    return Metrics.counter(NAMESPACE, READ);
  }

  public static Counter written() {
    return Metrics.counter(NAMESPACE, WRITTEN);
  }

  public static Counter aggregated() {
    return Metrics.counter(NAMESPACE, AGGREGATED);
  }

  public static Counter filtered() {
    return Metrics.counter(NAMESPACE, FILTERED);
  }

  public static Counter rejected() {
    return Metrics.counter(NAMESPACE, REJECTED);
  }

  public static Counter rejectedFor(String reason) {
    return Metrics.counter(NAMESPACE, REJECTED_PREFIX + reason);
  }

  /** Any other outcome a pipeline wants in its report, e.g. {@code groups} or {@code files}. */
  public static Counter counter(String name) {
    return Metrics.counter(NAMESPACE, name);
  }

  /** Counts each row as {@code written} and hands it on: the step before a sink whose output is the run's. */
  public static DoFn<Row, Row> countWritten() {
    return new CountWrittenFn();
  }

  private static final class CountWrittenFn extends DoFn<Row, Row> {
    private final Counter written = written();

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      written.inc();
      out.output(row);
    }
  }
}
