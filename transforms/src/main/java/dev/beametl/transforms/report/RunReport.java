package dev.beametl.transforms.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.files.IncrementalPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.util.MimeTypes;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a run did, built from its Beam counters: read, written, filtered and rejected (with the
 * reasons), the inputs and outputs, and how long it took. Written as JSON at the end of every run,
 * failed runs included, and summarised in one line.
 *
 * <p>Counts are either final or marked unknown: they are taken only from a pipeline that ran to
 * the end, so a failed run never shows counts that merely stopped early (or zeros it never had).
 * Error texts are scrubbed of credentials.
 */
public final class RunReport {
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  /** Written at the start of a run (proving the location is writable) and until it is recorded as done. */
  public static final String RUNNING = "RUNNING";

  private final String pipeline;
  private final String runId;
  private final Instant startedAt;
  private final List<String> inputs = new ArrayList<>();
  private final List<String> outputs = new ArrayList<>();
  private final Map<String, Long> counts = new TreeMap<>();
  private final Map<String, Long> rejectReasons = new TreeMap<>();
  private final List<GateResult> gates = new ArrayList<>();
  private @Nullable IncrementalPlan plan;
  private String status = RUNNING;
  private boolean countsKnown;
  private @Nullable String error;
  private Instant finishedAt;

  public RunReport(String pipeline, String runId, Instant startedAt) {
    this.pipeline = pipeline;
    this.runId = runId;
    this.startedAt = startedAt;
    this.finishedAt = startedAt;
    for (String name : List.of(EtlMetrics.READ, EtlMetrics.WRITTEN, EtlMetrics.FILTERED, EtlMetrics.REJECTED)) {
      counts.put(name, 0L);
    }
  }

  public RunReport inputs(List<String> files) {
    inputs.addAll(files);
    return this;
  }

  public RunReport output(String output) {
    outputs.add(Credentials.scrub(output));
    return this;
  }

  /**
   * Takes the final beam-etl counters of a pipeline that finished. Committed values where the runner
   * has them: the DirectRunner makes a bundle's attempted values visible only after the pipeline
   * may already report DONE (after its immutability check re-reads the bundle), so counts made in
   * {@code @FinishBundle} could be missing from them; committed values are recorded before.
   */
  public RunReport counters(PipelineResult result) {
    MetricQueryResults metrics =
        result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(EtlMetrics.NAMESPACE)).build());
    for (MetricResult<Long> counter : metrics.getCounters()) {
      String name = counter.getName().getName();
      long value = finalValue(counter);
      if (name.startsWith(EtlMetrics.REJECTED_PREFIX)) {
        rejectReasons.merge(name.substring(EtlMetrics.REJECTED_PREFIX.length()), value, Long::sum);
      } else {
        counts.merge(name, value, Long::sum);
      }
    }
    countsKnown = true;
    return this;
  }

  /** A count made on the driver after the pipeline ran, e.g. a table load at publish. */
  public RunReport counted(String name, long value) {
    counts.merge(name, value, Long::sum);
    return this;
  }

  /** Live values for progress lines while a pipeline runs (attempted: committed ones lag). */
  public static Map<String, Long> progress(PipelineResult result) {
    MetricQueryResults metrics =
        result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(EtlMetrics.NAMESPACE)).build());
    Map<String, Long> values = new TreeMap<>();
    for (String name : List.of(EtlMetrics.READ, EtlMetrics.WRITTEN, EtlMetrics.FILTERED, EtlMetrics.REJECTED)) {
      values.put(name, 0L);
    }
    for (MetricResult<Long> counter : metrics.getCounters()) {
      values.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
    }
    return values;
  }

  private static long finalValue(MetricResult<Long> counter) {
    try {
      Long committed = counter.getCommitted();
      return committed != null ? committed : counter.getAttempted();
    } catch (UnsupportedOperationException noCommittedMetrics) {
      // Spark has attempted values only; they are final once the job has ended.
      return counter.getAttempted();
    }
  }

  /** Whether the counts are final (the pipeline ran to the end); false for a run that failed before. */
  public boolean countsKnown() {
    return countsKnown;
  }

  /** Records which inputs the run read and skipped, and why. */
  public RunReport incremental(IncrementalPlan inputPlan) {
    this.plan = inputPlan;
    return this;
  }

  /** Records the quality gates the run was checked against. */
  public RunReport gates(List<GateResult> results) {
    gates.addAll(results);
    return this;
  }

  public List<GateResult> gates() {
    return List.copyOf(gates);
  }

  public RunReport succeeded(Instant at) {
    status = SUCCEEDED;
    finishedAt = at;
    return this;
  }

  public RunReport failed(Instant at, Throwable cause) {
    return failed(at, cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }

  /** Failed for {@code reason}, a message for the person reading the report. */
  public RunReport failed(Instant at, String reason) {
    status = FAILED;
    finishedAt = at;
    error = Credentials.scrub(reason);
    return this;
  }

  public @Nullable String error() {
    return error;
  }

  public String status() {
    return status;
  }

  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  public Map<String, Long> rejectReasons() {
    return rejectReasons;
  }

  /**
   * {@code read = written + filtered + rejected}: every record has exactly one outcome. In an
   * aggregation, where written counts output rows, {@code read = aggregated + filtered + rejected}.
   */
  public boolean balanced() {
    return unaccounted() == 0;
  }

  /** Records read without an outcome counted: mid-run, those still on their way (rejects are counted as they are written). */
  public long unaccounted() {
    return unaccounted(counts);
  }

  /** {@link #unaccounted()} of counter values, e.g. a run's {@link #progress}. */
  public static long unaccounted(Map<String, Long> counts) {
    long kept = counts.containsKey(EtlMetrics.AGGREGATED) ? value(counts, EtlMetrics.AGGREGATED) : value(counts, EtlMetrics.WRITTEN);
    return value(counts, EtlMetrics.READ) - kept - value(counts, EtlMetrics.FILTERED) - value(counts, EtlMetrics.REJECTED);
  }

  /** e.g. {@code read 31, written 10, filtered 21, rejected 0}; an aggregation's {@code aggregated} after read. */
  public String countsLine() {
    return countsLine(counts);
  }

  /** {@link #countsLine()} of counter values, e.g. a run's {@link #progress}. */
  public static String countsLine(Map<String, Long> counts) {
    return String.format(
        "read %d, %swritten %d, filtered %d, rejected %d",
        value(counts, EtlMetrics.READ),
        counts.containsKey(EtlMetrics.AGGREGATED) ? "aggregated " + value(counts, EtlMetrics.AGGREGATED) + ", " : "",
        value(counts, EtlMetrics.WRITTEN),
        value(counts, EtlMetrics.FILTERED),
        value(counts, EtlMetrics.REJECTED));
  }

  private static long value(Map<String, Long> counts, String name) {
    return counts.getOrDefault(name, 0L);
  }

  public double durationSeconds() {
    return Duration.between(startedAt, finishedAt).toMillis() / 1000.0;
  }

  public String toJson() {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("pipeline", pipeline);
    root.put("runId", runId);
    root.put("status", status);
    if (error != null) {
      root.put("error", error);
    }
    root.put("countsKnown", countsKnown);
    if (countsKnown) {
      ObjectNode countNode = root.putObject("counts");
      counts.forEach(countNode::put);
      root.put("balanced", balanced());
      ObjectNode reasons = root.putObject("rejectReasons");
      rejectReasons.forEach(reasons::put);
    } else {
      // Unknown, not zero: the pipeline did not run to the end.
      root.putNull("counts");
      root.putNull("balanced");
      root.putNull("rejectReasons");
    }
    if (plan != null) {
      ObjectNode states = root.putObject("inputStates");
      states.put("incremental", plan.incremental());
      plan.fresh().forEach(states.putArray("new")::add);
      plan.changed().forEach(states.putArray("changed")::add);
      plan.reprocessed().forEach(states.putArray("reprocessed")::add);
      plan.skipped().forEach(states.putArray("skipped")::add);
    }
    ArrayNode gateNodes = root.putArray("gates");
    for (GateResult g : gates) {
      ObjectNode node = gateNodes.addObject();
      node.put("gate", g.gate());
      node.put("limit", g.limit());
      node.put("observed", g.observed());
      node.put("passed", g.passed());
    }
    ArrayNode in = root.putArray("inputs");
    inputs.forEach(in::add);
    ArrayNode out = root.putArray("outputs");
    outputs.forEach(out::add);
    root.put("startedAt", startedAt.toString());
    root.put("finishedAt", finishedAt.toString());
    root.put("durationSeconds", durationSeconds());
    try {
      return json.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the JSON report to a local path or s3:// object. */
  public void writeTo(String path) throws IOException {
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.TEXT))) {
      out.write(toJson().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** e.g. {@code loan-filter SUCCEEDED in 4.2 s: read 31, written 10, filtered 21, rejected 0}. */
  public String summary() {
    if (!countsKnown) {
      String s = String.format("%s %s in %.1f s: counts unknown (the pipeline did not run to the end)", pipeline, status, durationSeconds());
      return error == null ? s : s + " - " + error;
    }
    StringBuilder s = new StringBuilder(String.format("%s %s in %.1f s: %s", pipeline, status, durationSeconds(), countsLine()));
    if (!rejectReasons.isEmpty()) {
      s.append(' ').append(rejectReasons);
    }
    if (plan != null && plan.incremental()) {
      s.append("; inputs ").append(plan.summary());
    }
    if (error != null) {
      s.append(" - ").append(error);
    }
    return s.toString();
  }
}
