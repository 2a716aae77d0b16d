package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.MotoServer;
import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database is checked on the driver before any input is read: the loans input here is a named
 * pipe nobody writes to, so a run that started reading it would never end. Each bad target ends
 * the run in seconds with exit 1, a FAILED report, and a message saying what to fix.
 */
class DatabaseCheckTest {
  static final String ROLE = "check_login_" + UUID.randomUUID().toString().substring(0, 8);
  static final String ROLE_PASSWORD = "check-" + UUID.randomUUID();
  static final String READER = "check_reader_" + UUID.randomUUID().toString().substring(0, 8);
  static final Duration IN_SECONDS = Duration.ofSeconds(20);

  @TempDir Path tmp;
  final PostgresServer pg = PostgresServer.shared();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  Path neverEndingInput;
  String table = "check_loans";

  @BeforeAll
  static void roles() throws Exception {
    PostgresServer.shared().execute(
        "CREATE ROLE " + ROLE + " LOGIN SUPERUSER PASSWORD '" + ROLE_PASSWORD + "'",
        "CREATE ROLE " + READER + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'",
        "DROP TABLE IF EXISTS check_read_only",
        "CREATE TABLE check_read_only (id integer)",
        "GRANT SELECT ON check_read_only TO " + READER);
  }

  @BeforeEach
  void pipeNobodyWrites() {
    neverEndingInput = tmp.resolve("loans.csv");
    Processes.run(List.of("mkfifo", neverEndingInput.toString()), Duration.ofSeconds(10));
  }

  /** Runs loan-filter through the command line on the never-ending input, against {@code jdbcUrl}. */
  int loanFilter(String jdbcUrl, String... more) {
    List<String> args = new ArrayList<>(List.of(
        LoanFilter.NAME,
        "--input=" + neverEndingInput,
        "--jdbcUrl=" + jdbcUrl,
        "--table=" + table,
        "--afterLoad=delete",
        "--awsRegion=us-east-1",
        "--endpoint=" + MotoServer.endpoint(),
        "--rejects=" + tmp.resolve("rejects.jsonl"),
        "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(more));
    return assertTimeoutPreemptively(
        IN_SECONDS,
        () -> BeamEtl.execute(
            args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
        "the run read its input before checking the database");
  }

  void assertFailedBeforeReading(int status, Matcher<String> message) throws Exception {
    String err = this.err.toString(StandardCharsets.UTF_8);
    assertThat(err, status, is(BeamEtl.RUN_FAILED));
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
    assertThat(report.get("status").asText(), is("FAILED"));
    assertThat(report.get("error").asText(), message);
    assertThat(report.get("counts").path("read").asLong(0), is(0L));
    assertThat("the input is kept", Files.exists(neverEndingInput), is(true));
    String everything = err + out.toString(StandardCharsets.UTF_8) + report;
    assertThat(everything, allOf(not(containsString(ROLE_PASSWORD)), not(containsString(PostgresServer.password()))));
  }

  @Test
  void aWrongPasswordInJdbcPasswordNamesTheVariableAndTheOtherSources() throws Exception {
    // JDBC_PASSWORD holds the test superuser's password, not this role's.
    int status = loanFilter(pg.jdbcUrl(), "--jdbcUser=" + ROLE);
    assertFailedBeforeReading(status, allOf(
        containsString("refused the login as user '" + ROLE + "'"),
        containsString("the environment variable JDBC_PASSWORD"),
        containsString("--jdbcPasswordEnv"),
        containsString("--jdbcPasswordSecret")));
  }

  @Test
  void anUnsetPasswordVariableIsNamed() throws Exception {
    int status = loanFilter(pg.jdbcUrl(), "--jdbcUser=" + PostgresServer.USER, "--jdbcPasswordEnv=BEAM_ETL_UNSET_PASSWORD");
    assertFailedBeforeReading(status, allOf(
        containsString("refused the login"),
        containsString("BEAM_ETL_UNSET_PASSWORD, which is not set")));
  }

  @Test
  void aWrongPasswordInTheSecretNamesTheSecret() throws Exception {
    String secret = JdbcPasswordSecretTest.secret("not-" + ROLE_PASSWORD);
    int status = loanFilter(pg.jdbcUrl(), "--jdbcUser=" + ROLE, "--jdbcPasswordSecret=" + secret);
    assertFailedBeforeReading(status, allOf(
        containsString("refused the login"),
        containsString("the Secrets Manager secret '" + secret + "' (--jdbcPasswordSecret)")));
  }

  @Test
  void aMissingSecretIsNamed() throws Exception {
    int status = loanFilter(pg.jdbcUrl(), "--jdbcUser=" + ROLE, "--jdbcPasswordSecret=beam-etl/no-such-secret");
    assertFailedBeforeReading(status, containsString("the Secrets Manager secret 'beam-etl/no-such-secret' (--jdbcPasswordSecret) does not exist"));
  }

  @Test
  void anUnreachableHostIsReportedAsSuch() throws Exception {
    long started = System.nanoTime();
    int status = loanFilter("jdbc:postgresql://127.0.0.1:" + Processes.freePort() + "/postgres", "--jdbcUser=" + PostgresServer.USER);
    assertFailedBeforeReading(status, allOf(containsString("cannot reach the database"), containsString("--jdbcUrl")));
    assertThat(Duration.ofNanos(System.nanoTime() - started), lessThan(IN_SECONDS));
  }

  @Test
  void aMissingDatabaseIsReportedAsSuch() throws Exception {
    String url = pg.jdbcUrl().substring(0, pg.jdbcUrl().lastIndexOf('/')) + "/no_such_database";
    int status = loanFilter(url, "--jdbcUser=" + PostgresServer.USER);
    assertFailedBeforeReading(status, allOf(containsString("does not exist"), containsString("no_such_database")));
  }

  @Test
  void aLoginThatMayNotWriteTheTableIsRefused() throws Exception {
    String secret = JdbcPasswordSecretTest.secret(ROLE_PASSWORD);
    table = "check_read_only";
    int status = loanFilter(pg.jdbcUrl(), "--jdbcUser=" + READER, "--jdbcPasswordSecret=" + secret);
    assertFailedBeforeReading(status, allOf(
        containsString("user '" + READER + "' may not load into"),
        containsString("missing INSERT on check_read_only, UPDATE on check_read_only"),
        containsString("GRANT INSERT, UPDATE, DELETE ON check_read_only TO " + READER)));
  }

  @Test
  void taxiGoldChecksPostgresBeforeWritingTheGold() throws Exception {
    Path staging = tmp.resolve("staging");
    Files.createDirectories(staging);
    Files.copy(TaxiTestFiles.fixture("green_small.csv"), staging.resolve("part-0.csv"));
    int status = assertTimeoutPreemptively(
        IN_SECONDS,
        () -> BeamEtl.execute(
            new String[] {
              TaxiGold.NAME,
              "--input=" + staging,
              "--output=" + tmp.resolve("gold"),
              "--loadTo=postgres",
              "--jdbcUrl=" + pg.jdbcUrl(),
              "--jdbcUser=" + ROLE,
              "--table=nyc.main_data_check",
              "--rejects=" + tmp.resolve("rejects.jsonl"),
              "--runReport=" + tmp.resolve("report.json")
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertThat(status, is(BeamEtl.RUN_FAILED));
    String error = new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("error").asText();
    assertThat(error, allOf(containsString("refused the login"), containsString("JDBC_PASSWORD")));
    assertThat("no gold written", Files.exists(tmp.resolve("gold")), is(false));
    assertThat("no gold written", Files.list(tmp).noneMatch(p -> p.getFileName().toString().startsWith("gold")), is(true));
  }
}
