package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.beametl.testing.MotoServer;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.report.RunReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The database password from a Secrets Manager secret (moto's), for loan-filter and taxi-gold into
 * the real PostgreSQL. The runs log in as a role whose password is only in the secret, so they
 * succeed only if the secret was read; one runs in a child JVM without JDBC_PASSWORD at all.
 */
class JdbcPasswordSecretTest {
  static final String ROLE = "secret_login_" + UUID.randomUUID().toString().substring(0, 8);
  static final String ROLE_PASSWORD = "only-in-the-secret-" + UUID.randomUUID();
  static final String REGION = "us-east-1";

  @TempDir Path tmp;
  final PostgresServer pg = PostgresServer.shared();

  @BeforeAll
  static void roleKnownOnlyToTheSecret() throws Exception {
    PostgresServer.shared().execute("CREATE ROLE " + ROLE + " LOGIN SUPERUSER PASSWORD '" + ROLE_PASSWORD + "'");
  }

  /** A new secret in moto holding {@code value}; its name. */
  static String secret(String value) {
    String name = "beam-etl/test/" + UUID.randomUUID();
    try (SecretsManagerClient client =
        SecretsManagerClient.builder()
            .endpointOverride(MotoServer.endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(ApacheHttpClient.builder())
            .build()) {
      client.createSecret(r -> r.name(name).secretString(value));
    }
    return name;
  }

  List<String> awsArgs() {
    return List.of("--awsRegion=" + REGION, "--endpoint=" + MotoServer.endpoint());
  }

  List<String> loanArgs(String table, String secret, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--input=" + LoanFixtures.SAMPLE,
        "--jdbcUrl=" + pg.jdbcUrl(),
        "--table=" + table,
        "--jdbcPasswordSecret=" + secret,
        "--rejects=" + tmp.resolve("rejects.jsonl"),
        "--runReport=" + tmp.resolve("report.json")));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void loanFilterReadsAPlainSecret() throws Exception {
    pg.execute("DROP TABLE IF EXISTS secret_plain");
    List<String> args = loanArgs("secret_plain", secret(ROLE_PASSWORD), "--jdbcUser=" + ROLE);
    args.addAll(awsArgs());

    RunReport report = LoanFilter.run(LoanFilterGoldenTest.options(args.toArray(String[]::new)));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(LoanFilterGoldenTest.loaded(pg, "secret_plain"), equalTo(LoanFilterGoldenTest.EXPECTED));
    assertThat(Files.readString(tmp.resolve("report.json")), not(containsString(ROLE_PASSWORD)));
  }

  /** On Spark the sink is serialized to the executors: the secret's name travels, the password is read there. */
  @Test
  void loanFilterOnSparkTakesUserAndPasswordFromAJsonSecret() throws Exception {
    pg.execute("DROP TABLE IF EXISTS secret_json");
    String json = "{\"engine\": \"postgres\", \"username\": \"" + ROLE + "\", \"password\": \"" + ROLE_PASSWORD + "\"}";
    List<String> args = loanArgs("secret_json", secret(json), "--runner=SparkRunner", "--sparkMaster=local[2]");
    args.addAll(awsArgs());

    RunReport report = LoanFilter.run(LoanFilterGoldenTest.options(args.toArray(String[]::new)));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("written"), is(10L));
    assertThat(LoanFilterGoldenTest.loaded(pg, "secret_json"), equalTo(LoanFilterGoldenTest.EXPECTED));
    assertThat(tableOwnerOfTheRows("secret_json"), is(ROLE));
  }

  @Test
  void taxiGoldLoadsPostgresWithAJsonSecret() throws Exception {
    pg.execute("DROP TABLE IF EXISTS nyc.main_data_secret");
    Path staging = tmp.resolve("staging");
    TaxiStaging.run(
        TaxiGoldenTest.options(
            TaxiStaging.NAME,
            dev.beametl.options.TaxiStagingOptions.class,
            "--input=" + TaxiTestFiles.fixture("green_small.csv"),
            "--output=" + staging,
            "--rejects=" + tmp.resolve("staging-rejects.jsonl"),
            "--runReport=" + tmp.resolve("staging-report.json")));
    String json = "{\"username\": \"" + ROLE + "\", \"password\": \"" + ROLE_PASSWORD + "\"}";
    List<String> args = new ArrayList<>(List.of(
        "--input=" + staging,
        "--output=" + tmp.resolve("gold"),
        "--loadTo=postgres",
        "--jdbcUrl=" + pg.jdbcUrl(),
        "--table=nyc.main_data_secret",
        "--jdbcPasswordSecret=" + secret(json),
        "--rejects=" + tmp.resolve("gold-rejects.jsonl"),
        "--runReport=" + tmp.resolve("gold-report.json")));
    args.addAll(awsArgs());

    RunReport report = TaxiGold.run(TaxiGoldenTest.gold(args.toArray(String[]::new)));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("loaded"), is(6L));
    assertThat(TaxiLoadTest.tableRows(pg, "nyc.main_data_secret"), containsInAnyOrder(TaxiGoldenTest.EXPECTED_GOLD.toArray()));
  }

  /**
   * The command line in a JVM whose environment has no JDBC_PASSWORD, the endpoint given as
   * AWS_ENDPOINT_URL (as the AWS CLI takes it) rather than --endpoint.
   */
  @Test
  void theCommandLineNeedsNoPasswordVariable() throws Exception {
    pg.execute("DROP TABLE IF EXISTS secret_cli");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        BeamEtl.class.getName(), LoanFilter.NAME));
    command.addAll(loanArgs("secret_cli", secret(ROLE_PASSWORD), "--jdbcUser=" + ROLE));
    ProcessBuilder child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("cli.log").toFile());
    Map<String, String> env = child.environment();
    env.remove("JDBC_PASSWORD");
    env.put("AWS_ENDPOINT_URL", MotoServer.endpoint().toString());
    env.put("AWS_REGION", REGION);

    Process process = child.start();
    assertThat("finished", process.waitFor(2, TimeUnit.MINUTES), is(true));

    String log = Files.readString(tmp.resolve("cli.log"), StandardCharsets.UTF_8);
    assertThat(log, process.exitValue(), is(0));
    assertThat(LoanFilterGoldenTest.loaded(pg, "secret_cli"), equalTo(LoanFilterGoldenTest.EXPECTED));
    assertThat(log, not(containsString(ROLE_PASSWORD)));
  }

  private String tableOwnerOfTheRows(String table) throws Exception {
    try (var c = pg.connect();
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = '" + table + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
