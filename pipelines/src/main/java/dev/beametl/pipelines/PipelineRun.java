package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.transforms.report.RunReport;
import java.time.Instant;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a built pipeline the same way for every pipeline: progress lines while it runs, the
 * post-success step (archive/delete inputs, swap tables) only when it succeeded, then the run
 * report written and summarised, failed runs included.
 */
public final class PipelineRun {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);
  private static final Duration PROGRESS_EVERY = Duration.standardSeconds(10);

  /** Work that must happen only once the run's output is durable. */
  @FunctionalInterface
  public interface AfterSuccess {
    void run(RunReport report) throws Exception;
  }

  private final EtlOptions options;
  private final RunReport report;

  private PipelineRun(EtlOptions options, Instant startedAt) {
    this.options = options;
    this.report = new RunReport(options.getAppName(), options.getRunId(), startedAt);
  }

  /** Starts the clock and the report. Call before listing inputs, so the report's duration covers it. */
  public static PipelineRun start(EtlOptions options) {
    FileSystems.setDefaultPipelineOptions(options);
    return new PipelineRun(options, Instant.now());
  }

  public PipelineRun inputs(List<String> files) {
    report.inputs(files);
    return this;
  }

  public PipelineRun output(String output) {
    report.output(output);
    return this;
  }

  /**
   * Runs {@code pipeline} to the end, then {@code afterSuccess}; writes the report either way.
   *
   * @throws PipelineFailedException when the pipeline or the post-success step failed
   */
  public RunReport execute(Pipeline pipeline, AfterSuccess afterSuccess) {
    options.as(DirectOptions.class).setBlockOnRun(false);
    PipelineResult result = null;
    boolean counted = false;
    try {
      LOG.info("{} run {} started on {}", options.getAppName(), options.getRunId(), options.getRunner().getSimpleName());
      result = pipeline.run();
      waitWithProgress(result);
      report.counters(result);
      counted = true;
      afterSuccess.run(report);
      report.succeeded(Instant.now());
    } catch (Exception e) {
      if (result != null && !counted) {
        tryCounters(result);
      }
      report.failed(Instant.now(), rootCause(e));
      finish();
      throw new PipelineFailedException(report, e);
    }
    finish();
    return report;
  }

  private void waitWithProgress(PipelineResult result) {
    PipelineResult.State state = result.waitUntilFinish(PROGRESS_EVERY);
    while (state == null || !state.isTerminal()) {
      RunReport progress = new RunReport(options.getAppName(), options.getRunId(), Instant.now());
      try {
        progress.counters(result);
        // Outcomes are counted a step or more after a record is read: say how many are on their way,
        // so that the line adds up as the final summary does.
        long pending = progress.unaccounted();
        LOG.info("progress: {}{}", progress.countsLine(), pending > 0 ? ", not counted yet " + pending : "");
      } catch (RuntimeException e) {
        LOG.debug("no metrics yet", e);
      }
      state = result.waitUntilFinish(PROGRESS_EVERY);
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended in state " + state);
    }
  }

  private void tryCounters(PipelineResult result) {
    try {
      report.counters(result);
    } catch (RuntimeException ignored) {
      // A failed run may have no metrics to give; the report says FAILED either way.
    }
  }

  private void finish() {
    try {
      report.writeTo(options.getRunReport());
    } catch (Exception e) {
      LOG.error("could not write the run report to {}: {}", options.getRunReport(), e.toString());
    }
    // The one line a user reads at the end of a run: on stdout, apart from the log.
    System.out.println(report.summary() + " (report: " + options.getRunReport() + ", rejects: " + options.getRejects() + ")");
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** A run that did not succeed; its report (already written) says what happened. */
  public static final class PipelineFailedException extends RuntimeException {
    private final RunReport report;

    PipelineFailedException(RunReport report, Throwable cause) {
      super(report.summary(), cause);
      this.report = report;
    }

    public RunReport report() {
      return report;
    }
  }
}
