package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.sameInstance;

import java.io.IOException;
import java.sql.SQLException;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.junit.jupiter.api.Test;

/** The error a run reports is the one that happened first, not what it caused afterwards. */
class FirstCauseTest {
  @Test
  void theDatabaseErrorWinsOverTheRollbackThatFailedAfterIt() {
    SQLException lost = new SQLException("An I/O error occurred while sending to the backend.", "08006");
    SQLException rollback = new SQLException("This connection has been closed.", "08003");
    rollback.addSuppressed(lost);
    Throwable run = new PipelineExecutionException(new RuntimeException(rollback));
    assertThat(PipelineRun.firstCause(run), sameInstance(lost));

    // The sink's own order: the first error thrown, the rollback's suppressed in it.
    SQLException first = new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021");
    first.addSuppressed(new SQLException("This connection has been closed."));
    assertThat(PipelineRun.firstCause(new PipelineExecutionException(first)), sameInstance(first));
  }

  @Test
  void otherwiseTheDeepestCause() {
    IllegalStateException root = new IllegalStateException("table is gone");
    assertThat(PipelineRun.firstCause(new PipelineExecutionException(new RuntimeException("wrapped", root))), sameInstance(root));

    IOException disk = new IOException("No space left on device");
    SQLException closed = new SQLException("This connection has been closed.");
    closed.addSuppressed(disk);
    RuntimeException top = new RuntimeException(closed);
    assertThat(PipelineRun.firstCause(top), sameInstance(disk));
  }
}
