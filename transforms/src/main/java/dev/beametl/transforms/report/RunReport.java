package dev.beametl.transforms.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beametl.transforms.EtlMetrics;
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
 */
public final class RunReport {
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";

  private final String pipeline;
  private final String runId;
  private final Instant startedAt;
  private final List<String> inputs = new ArrayList<>();
  private final List<String> outputs = new ArrayList<>();
  private final Map<String, Long> counts = new TreeMap<>();
  private final Map<String, Long> rejectReasons = new TreeMap<>();
  private String status = FAILED;
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
    outputs.add(output);
    return this;
  }

  /** Takes the beam-etl counters of a (possibly failed) run; unavailable metrics leave zeros. */
  public RunReport counters(PipelineResult result) {
    MetricQueryResults metrics =
        result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(EtlMetrics.NAMESPACE)).build());
    for (MetricResult<Long> counter : metrics.getCounters()) {
      String name = counter.getName().getName();
      long value = counter.getAttempted();
      if (name.startsWith(EtlMetrics.REJECTED_PREFIX)) {
        rejectReasons.merge(name.substring(EtlMetrics.REJECTED_PREFIX.length()), value, Long::sum);
      } else {
        counts.merge(name, value, Long::sum);
      }
    }
    return this;
  }

  public RunReport succeeded(Instant at) {
    status = SUCCEEDED;
    finishedAt = at;
    return this;
  }

  public RunReport failed(Instant at, Throwable cause) {
    status = FAILED;
    finishedAt = at;
    error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return this;
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
    long kept = counts.containsKey(EtlMetrics.AGGREGATED) ? count(EtlMetrics.AGGREGATED) : count(EtlMetrics.WRITTEN);
    return count(EtlMetrics.READ) - kept - count(EtlMetrics.FILTERED) - count(EtlMetrics.REJECTED);
  }

  /** e.g. {@code read 31, written 10, filtered 21, rejected 0}; an aggregation's {@code aggregated} after read. */
  public String countsLine() {
    return String.format(
        "read %d, %swritten %d, filtered %d, rejected %d",
        count(EtlMetrics.READ),
        counts.containsKey(EtlMetrics.AGGREGATED) ? "aggregated " + count(EtlMetrics.AGGREGATED) + ", " : "",
        count(EtlMetrics.WRITTEN),
        count(EtlMetrics.FILTERED),
        count(EtlMetrics.REJECTED));
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
    ObjectNode countNode = root.putObject("counts");
    counts.forEach(countNode::put);
    root.put("balanced", balanced());
    ObjectNode reasons = root.putObject("rejectReasons");
    rejectReasons.forEach(reasons::put);
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
    StringBuilder s = new StringBuilder(String.format("%s %s in %.1f s: %s", pipeline, status, durationSeconds(), countsLine()));
    if (!rejectReasons.isEmpty()) {
      s.append(' ').append(rejectReasons);
    }
    if (SUCCEEDED.equals(status) && !balanced()) {
      s.append(" (counts do not add up: read != written + filtered + rejected)");
    }
    if (error != null) {
      s.append(" - ").append(error);
    }
    return s.toString();
  }
}
