package dev.beametl.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A real PostgreSQL server for tests, started once per test JVM through {@code scripts/pg-local}
 * (the same script the demo uses) on a free loopback port, and removed when the JVM exits.
 * The password is {@code $JDBC_PASSWORD}, which the build sets for tests; the pipelines read it
 * from there too.
 */
public final class PostgresServer {
  public static final String USER = "beam_etl";
  private static PostgresServer shared;

  private final Path dataDir;
  private final String jdbcUrl;

  private PostgresServer(Path dataDir, String jdbcUrl) {
    this.dataDir = dataDir;
    this.jdbcUrl = jdbcUrl;
  }

  /** The server of this JVM, started on first use. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      if (password() == null) {
        throw new IllegalStateException("JDBC_PASSWORD is not set: run the tests through Maven (the build sets it)");
      }
      String script = Processes.repoRoot().resolve("scripts/pg-local").toString();
      // Directly under /tmp: when the tests run as root, the server runs as 'postgres' and must reach it.
      Path dir = Path.of("/tmp", "beam-etl-pg-" + UUID.randomUUID().toString().substring(0, 8));
      String url = Processes.run(List.of(script, "start", dir.toString(), String.valueOf(Processes.freePort())), Duration.ofMinutes(5));
      PostgresServer server = new PostgresServer(dir, url.lines().reduce((a, b) -> b).orElseThrow());
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> Processes.run(List.of(script, "stop", dir.toString()), Duration.ofMinutes(1))));
      shared = server;
    }
    return shared;
  }

  public static String password() {
    return System.getenv("JDBC_PASSWORD");
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, USER, password());
  }

  /** Runs statements in autocommit mode, e.g. {@code DROP TABLE IF EXISTS t}. */
  public void execute(String... sql) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }
}
