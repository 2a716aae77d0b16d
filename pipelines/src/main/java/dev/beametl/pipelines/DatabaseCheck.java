package dev.beametl.pipelines;

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
   * Runs {@code check} as a driver-side step of {@code run}: when it fails, the run ends FAILED
   * (reported, nothing read, loaded or touched).
   *
   * @throws PipelineRun.PipelineFailedException when the check failed
   */
  static void beforeReading(PipelineRun run, String target, Check check) {
    run.prepare(
        () -> {
          long started = System.nanoTime();
          check.run();
          LOG.info("{}: connected, may write ({} ms)", target, (System.nanoTime() - started) / 1_000_000);
          return null;
        });
  }
}
