package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real child JVM, stuck loading into a database that does not answer, ends promptly on SIGTERM with a FAILED report. */
class SigtermTest {
  @TempDir Path tmp;

  @Test
  void sigtermEndsAStuckRunPromptlyWithAFailedReport() throws Exception {
    Path in = LoanFixtures.writeLoans(tmp.resolve("in"), 2, 2_000);
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS sigterm_load");
    Path report = tmp.resolve("report.json");
    Path log = tmp.resolve("child.log");

    // The load creates its staging table LIKE the target: with the target locked here, it waits forever.
    pg.execute("CREATE TABLE sigterm_load (id integer)");
    try (Connection holder = pg.connect();
        Statement st = holder.createStatement()) {
      holder.setAutoCommit(false);
      st.execute("LOCK TABLE sigterm_load IN ACCESS EXCLUSIVE MODE");
      ProcessBuilder child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  BeamEtl.class.getName(),
                  "loan-filter",
                  "--input=" + in + "/*.csv",
                  "--jdbcUrl=" + pg.jdbcUrl(),
                  "--jdbcUser=" + PostgresServer.USER,
                  "--table=sigterm_load",
                  "--afterLoad=delete",
                  "--rejects=" + tmp.resolve("rejects.jsonl"),
                  "--runReport=" + report)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      child.environment().put("JDBC_PASSWORD", PostgresServer.password());
      Process p = child.start();
      try {
        awaitWaitingForLock(pg, p, log);
        long signalled = System.nanoTime();
        p.destroy(); // SIGTERM
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        assertThat("ended after SIGTERM:\n" + Files.readString(log), ended, is(true));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled), lessThan(15L));
        assertThat("the JVM's exit status for SIGTERM", p.exitValue(), is(143));
      } finally {
        p.destroyForcibly();
      }
    }

    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertThat(json.get("status").asText(), is("FAILED"));
    assertThat(json.get("error").asText(), containsString("stopped by a signal (SIGTERM or SIGINT)"));
    assertThat(json.get("countsKnown").asBoolean(), is(false));
    assertThat(Files.readString(log), containsString("loan-filter FAILED"));
    try (Stream<Path> files = Files.list(in)) {
      assertThat("no input was deleted", files.count(), is(2L));
    }
  }

  private static void awaitWaitingForLock(PostgresServer pg, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("the run ended before it reached the database:\n" + Files.readString(log));
      }
      try (Connection c = pg.connect();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the run never reached the database:\n" + Files.readString(log));
  }
}
