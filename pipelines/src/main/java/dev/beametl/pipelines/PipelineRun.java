package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.report.Credentials;
import dev.beametl.transforms.files.IncrementalPlan;
import dev.beametl.transforms.report.GateResult;
import dev.beametl.transforms.report.RunReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a built pipeline the same way for every pipeline, so that its report never lies:
 *
 * <ol>
 *   <li>{@link #start}: the report and rejects locations are checked writable (else bad arguments,
 *       exit 2, before anything ran);
 *   <li>{@link #prepare}: driver-side checks of the inputs (e.g. their headers); a failure is a
 *       FAILED run with nothing loaded and no input touched;
 *   <li>{@link #execute}: the pipeline runs to the end; its final counts must add up; the report is
 *       written; only then the post-success step (archive/delete inputs) acts; the report is
 *       written again with the outcome.
 * </ol>
 *
 * <p>Any failure, JVM errors included, and a SIGTERM while the run is in progress end in a FAILED
 * report whose counts are final or marked unknown, and one summary line on stdout.
 */
public final class PipelineRun {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);
  private static final Duration PROGRESS_EVERY = Duration.standardSeconds(10);
  /** How long the shutdown hook lets a cancel take before it records the run anyway. */
  private static final long CANCEL_WAIT_MILLIS = 2_000;

  /** Work that must happen only once the run's output is durable. */
  @FunctionalInterface
  public interface AfterSuccess {
    void run(RunReport report) throws Exception;
  }

  private final EtlOptions options;
  private final RunReport report;
  private final Object lock = new Object();
  /** Set once the report holds the run's outcome; guarded by {@link #lock}. */
  private boolean recorded;
  private volatile @Nullable PipelineResult result;
  /** What the run was doing, for the report of a run stopped by a signal. */
  private volatile String phase = "its inputs were being checked; nothing was loaded, archived or deleted";
  private @Nullable Thread shutdownHook;

  private PipelineRun(EtlOptions options, Instant startedAt) {
    this.options = options;
    this.report = new RunReport(options.getAppName(), options.getRunId(), startedAt);
  }

  /**
   * Starts the clock and the report. Call before listing inputs, so the report's duration covers it.
   *
   * @throws IllegalArgumentException when the report or the rejects cannot be written there
   */
  public static PipelineRun start(EtlOptions options) {
    FileSystems.setDefaultPipelineOptions(options);
    checkWritable("--runReport", options.getRunReport(), options.getRunId());
    checkWritable("--rejects", options.getRejects(), options.getRunId());
    return new PipelineRun(options, Instant.now());
  }

  public PipelineRun inputs(List<String> files) {
    report.inputs(files);
    return this;
  }

  public PipelineRun incremental(IncrementalPlan plan) {
    report.incremental(plan);
    return this;
  }

  public PipelineRun output(String output) {
    report.output(output);
    return this;
  }

  /**
   * Runs a driver-side step of the run (checking the inputs, building the pipeline). A failure other
   * than bad arguments ends the run FAILED, recorded, before anything was loaded.
   *
   * @throws PipelineFailedException when the step failed
   */
  public <T> T prepare(Callable<T> step) {
    guardAgainstShutdown();
    try {
      phase = "its inputs were being checked; nothing was loaded, archived or deleted";
      return step.call();
    } catch (IllegalArgumentException badArguments) {
      unguard();
      throw badArguments;
    } catch (Throwable e) {
      throw fail(e);
    }
  }

  /**
   * Runs {@code pipeline} to the end, then {@code afterSuccess}; writes the report either way.
   *
   * @throws PipelineFailedException when the pipeline, its counts, the report or the post-success step failed
   */
  public RunReport execute(Pipeline pipeline, AfterSuccess afterSuccess) {
    options.as(DirectOptions.class).setBlockOnRun(false);
    guardAgainstShutdown();
    try {
      phase = "the pipeline was running; nothing was archived or deleted";
      LOG.info("{} run {} started on {}", options.getAppName(), options.getRunId(), options.getRunner().getSimpleName());
      PipelineResult running = pipeline.run();
      result = running;
      waitWithProgress(running);
      report.counters(running);
      if (!report.balanced()) {
        throw new CountsDoNotAddUpException(report);
      }
      checkGates();
      synchronized (lock) {
        if (recorded) {
          throw new IllegalStateException("the run was stopped");
        }
        // Recorded before the inputs are touched: a run that cannot be recorded touches nothing.
        write();
        phase = "the inputs were being archived or deleted (--afterLoad); some may have been moved already";
      }
      afterSuccess.run(report);
    } catch (Throwable e) {
      throw fail(e);
    }
    synchronized (lock) {
      if (recorded) {
        throw new PipelineFailedException(report, new IllegalStateException(report.error()));
      }
      report.succeeded(Instant.now());
      try {
        write();
      } catch (Throwable e) {
        throw fail(new FinalReportException(options.getRunReport(), e));
      }
      recorded = true;
    }
    unguard();
    printSummary();
    return report;
  }

  /** Records {@code e} as the run's failure (once), prints the summary and returns the exception to throw. */
  private PipelineFailedException fail(Throwable e) {
    Throwable cause = firstCause(e);
    synchronized (lock) {
      if (!recorded) {
        report.failed(Instant.now(), describe(cause));
        try {
          write();
        } catch (Throwable writeFailed) {
          LOG.error("could not write the run report to {}: {}", options.getRunReport(), Credentials.scrub(writeFailed.toString()));
        }
        recorded = true;
        LOG.error("{} run {} failed: {}", options.getAppName(), options.getRunId(), report.error());
        printSummary();
      }
    }
    unguard();
    return new PipelineFailedException(report, e);
  }

  private void write() throws IOException {
    report.writeTo(options.getRunReport());
  }

  private void printSummary() {
    // The one line a user reads at the end of a run: on stdout, apart from the log.
    System.out.println(report.summary() + " (report: " + options.getRunReport() + ", rejects: " + options.getRejects() + ")");
  }

  /** Fails the run, before anything is published or any input touched, when a quality gate is breached. */
  private void checkGates() {
    List<GateResult> gates = QualityGates.evaluate(options, report);
    report.gates(gates);
    String breached = QualityGates.breached(gates);
    if (breached != null) {
      throw new QualityGateException(breached);
    }
  }

  /** A threshold of {@code --maxRejected} or {@code --minRecords} was not met. */
  static final class QualityGateException extends RuntimeException {
    QualityGateException(String message) {
      super(message);
    }
  }

  private void waitWithProgress(PipelineResult running) {
    PipelineResult.State state = running.waitUntilFinish(PROGRESS_EVERY);
    while (state == null || !state.isTerminal()) {
      try {
        Map<String, Long> progress = RunReport.progress(running);
        // Outcomes are counted a step or more after a record is read: say how many are on their way,
        // so that the line adds up as the final summary does.
        long pending = RunReport.unaccounted(progress);
        LOG.info("progress: {}{}", RunReport.countsLine(progress), pending > 0 ? ", not counted yet " + pending : "");
      } catch (RuntimeException e) {
        LOG.debug("no metrics yet", e);
      }
      state = running.waitUntilFinish(PROGRESS_EVERY);
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended in state " + state);
    }
  }

  /** A SIGTERM (or Ctrl-C) from here on cancels the pipeline and records the run as FAILED. */
  private void guardAgainstShutdown() {
    synchronized (lock) {
      if (shutdownHook != null || recorded) {
        return;
      }
      shutdownHook = new Thread(this::stoppedBySignal, "beam-etl-shutdown-" + options.getRunId());
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  private void unguard() {
    synchronized (lock) {
      if (shutdownHook == null || Thread.currentThread() == shutdownHook) {
        return;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting: the hook runs and finds the run recorded.
      }
      shutdownHook = null;
    }
  }

  private void stoppedBySignal() {
    synchronized (lock) {
      if (recorded) {
        return;
      }
    }
    // Recorded first: the cancel makes the main thread see the pipeline end, and it must not record that instead.
    fail(new StoppedBySignalException(phase));
    cancelQuickly();
  }

  /** Cancels the pipeline, but never holds up the JVM's exit for long. */
  private void cancelQuickly() {
    PipelineResult running = result;
    if (running == null) {
      return;
    }
    Thread cancel =
        new Thread(
            () -> {
              try {
                running.cancel();
              } catch (IOException | RuntimeException e) {
                LOG.warn("could not cancel the pipeline: {}", Credentials.scrub(e.toString()));
              }
            },
            "beam-etl-cancel");
    cancel.setDaemon(true);
    cancel.start();
    try {
      cancel.join(CANCEL_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Fails unless a file can be created beside {@code path}: a run whose report or rejects cannot be
   * written must not start. The probe is removed again.
   */
  static void checkWritable(String option, String path, String runId) {
    try {
      ResourceId target = FileSystems.matchNewResource(path, false);
      ResourceId probe = target.getCurrentDirectory().resolve(".beam-etl-write-check-" + runId, StandardResolveOptions.RESOLVE_FILE);
      try (OutputStream out = Channels.newOutputStream(FileSystems.create(probe, MimeTypes.TEXT))) {
        out.write('\n');
      }
      FileSystems.delete(List.of(probe), StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          option + "=" + path + " cannot be written (" + Credentials.scrub(e.getMessage()) + "); choose a location this run can write to", e);
    }
  }

  /**
   * The failure to report: the deepest cause, except that a database error's consequences (its
   * connection closed, the rollback that then failed) hide the error itself, so the first
   * {@link SQLException} that is not such a consequence wins, looking in suppressed exceptions too.
   */
  static Throwable firstCause(Throwable e) {
    List<Throwable> all = new ArrayList<>();
    collect(e, all, 0);
    // Deepest first: the cause of a cause happened before it.
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i) instanceof SQLException && !isConsequence(all.get(i))) {
        return all.get(i);
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (isConsequence(root)) {
      for (int i = all.size() - 1; i >= 0; i--) {
        if (!isConsequence(all.get(i))) {
          return all.get(i);
        }
      }
    }
    return root;
  }

  /** The throwable, its suppressed exceptions and their causes, then its cause, depth first. */
  private static void collect(Throwable t, List<Throwable> into, int depth) {
    if (t == null || into.contains(t) || depth > 50) {
      return;
    }
    into.add(t);
    for (Throwable s : t.getSuppressed()) {
      collect(s, into, depth + 1);
    }
    collect(t.getCause(), into, depth + 1);
  }

  private static boolean isConsequence(Throwable t) {
    String message = String.valueOf(t.getMessage());
    return message.contains("This connection has been closed")
        || message.contains("Connection is closed")
        || message.contains("current transaction is aborted");
  }

  /** Our own exceptions are written for the reader; others are named by their class. */
  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (cause.getClass().getName().startsWith("dev.beametl.") && message != null) {
      return message;
    }
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** The run's final counts break {@code read = written + filtered + rejected}: it cannot be called a success. */
  static final class CountsDoNotAddUpException extends IllegalStateException {
    CountsDoNotAddUpException(RunReport report) {
      super(
          String.format(
              "counts do not add up: read %d != written %d + filtered %d + rejected %d; inputs were left in place",
              report.count(EtlMetrics.READ),
              report.count(EtlMetrics.WRITTEN),
              report.count(EtlMetrics.FILTERED),
              report.count(EtlMetrics.REJECTED)));
    }
  }

  /** SIGTERM or SIGINT arrived while the run was in progress. */
  static final class StoppedBySignalException extends RuntimeException {
    StoppedBySignalException(String phase) {
      super("stopped by a signal (SIGTERM or SIGINT) while " + phase);
    }
  }

  /** The report of a run that otherwise succeeded could not be written: the run is not recorded, so it failed. */
  static final class FinalReportException extends IOException {
    FinalReportException(String path, Throwable cause) {
      super("could not write the run report to " + path + " after the run (" + Credentials.scrub(cause.toString()) + ")");
    }
  }

  /** A run that did not succeed; its report (already written and summarised) says what happened. */
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
