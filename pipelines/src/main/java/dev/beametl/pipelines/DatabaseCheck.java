package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.transforms.report.RunReport;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database a run loads into, checked on the driver before any input is read: a wrong
 * password, an unreachable host, a missing database or a missing privilege ends the run in
 * seconds, not after every input was parsed.
 */
final class DatabaseCheck {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseCheck.class);

  /** Connects, authenticates and checks the right to write the target; throws what went wrong. */
  @FunctionalInterface
  interface Check {
    void run() throws Exception;
  }

  private DatabaseCheck() {}

  /**
   * Runs {@code check}; when it fails, writes a FAILED run report naming the problem and throws.
   * Call after {@link PipelineRun#start} (it sets up the file systems the report is written to).
   *
   * @throws PipelineRun.PipelineFailedException when the check failed
   */
  static void beforeReading(EtlOptions options, String target, Check check) {
    Instant started = Instant.now();
    try {
      check.run();
      LOG.info("{}: connected, may write ({} ms)", target, java.time.Duration.between(started, Instant.now()).toMillis());
    } catch (Exception e) {
      RunReport report = new RunReport(options.getAppName(), options.getRunId(), started).output(target).failed(Instant.now(), e);
      try {
        report.writeTo(options.getRunReport());
      } catch (Exception write) {
        LOG.error("could not write the run report to {}: {}", options.getRunReport(), write.toString());
      }
      System.out.println(report.summary() + " (report: " + options.getRunReport() + "; no input was read)");
      throw new PipelineRun.PipelineFailedException(report, e);
    }
  }
}
