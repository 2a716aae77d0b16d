package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.beametl.options.LoanFilterOptions;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.testing.BadArguments;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.files.AfterLoad;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line as a user meets it: help, argument errors, and a golden run through main's code path. */
class BeamEtlCliTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return BeamEtl.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryPipeline() {
    assertThat(run("--help"), is(0));
    for (PipelineCatalog.Entry e : PipelineCatalog.entries()) {
      assertThat(out(), containsString(e.name()));
    }
  }

  @Test
  void everyCatalogEntryHasARunner() {
    for (PipelineCatalog.Entry e : PipelineCatalog.entries()) {
      assertThat(e.name(), run(e.name(), "--help"), is(0));
    }
  }

  @Test
  void theCliRunsExactlyTheCatalogsPipelinesInItsOrder() {
    assertThat(BeamEtl.PIPELINES.stream().map(EtlPipeline::entry).toList(), equalTo(PipelineCatalog.entries()));
    for (EtlPipeline<?> p : BeamEtl.PIPELINES) {
      assertThat(p.name(), p.optionsClass(), equalTo(p.entry().optionsClass()));
    }
  }

  @Test
  void aPipelineParsesItsOwnOptionsInterface() {
    LoanFilterOptions options = LoanFilter.PIPELINE.parse(new String[] {"--input=in/*.csv", "--jdbcUrl=jdbc:postgresql://db/loans", "--afterLoad=Delete"});
    assertThat(options.getAfterLoad(), is(AfterLoad.DELETE));
    assertThat(options.getAppName(), is(LoanFilter.NAME));
  }

  @Test
  void pipelineHelpListsItsOptionsWithDefaults() {
    assertThat(run("loan-filter", "--help"), is(0));
    assertThat(out(), containsString("--input=<String>  (required)"));
    assertThat(out(), containsString("--afterLoad=<keep|archive|delete>"));
    assertThat(out(), containsString("default: Charged Off"));
    assertThat(out(), containsString("--minLastFicoRangeLow=<int>"));
  }

  @Test
  void goldenLoanFilterHelp() {
    assertThat(run("loan-filter", "--help"), is(0));
    assertThat(out(), equalTo("""
        beam-etl loan-filter: Loans CSV -> validate, cast, round, filter -> PostgreSQL table (idempotent).

        usage: beam-etl loan-filter --input=<String> --jdbcUrl=<String> [--option=value ...]

        required options:
          --input=<String>  (required)
              Input files: a path or glob, local or s3://. Several patterns may be separated by commas.
              e.g. s3://bucket/loans/2024-*.csv
          --jdbcUrl=<String>  (required)
              JDBC URL of the target database, e.g. jdbc:postgresql://host:5432/db

        options:
          --excludeLoanStatus=<String>
              Rows whose loan_status equals this are dropped.
              default: Charged Off
          --excludePurpose=<String>
              Rows whose purpose equals this are dropped.
              default: other
          --minLastFicoRangeLow=<int>
              Rows with last_fico_range_low below this are dropped.
              default: 700
          --roundingScale=<int>
              Decimal places every double column is rounded to (half-up on the decimal value).
              default: 2
          --readRangeBytes=<long>
              CSV files larger than this many bytes are read in ranges of about this size, in parallel and
              with memory bounded by the range (records are never cut: a range starts where a record
              starts).
              default: 8388608
          --onBadHeader=<fail|reject>
              A file whose header lacks a column or has an unknown one: fail (the run fails before anything
              is loaded, naming the file and the columns) or reject (the file's header and records go to the
              rejects as bad_header; the other files load).
              default: fail
          --jdbcBatchSize=<int>
              Rows sent to the database per transaction.
              default: 10000
          --jdbcPasswordEnv=<String>
              Name of the environment variable holding the database password.
              default: JDBC_PASSWORD
          --jdbcPasswordSecret=<String>
              Name or ARN of an AWS Secrets Manager secret holding the database password: plain text, or the
              JSON of an RDS/Redshift secret with "password" (and "username", used when --jdbcUser is not
              given). Read with the default AWS credentials (the node role on EMR) by every worker that
              connects. When given, --jdbcPasswordEnv is not used.
          --jdbcUser=<String>
              Database user.
          --table=<String>
              Target table, optionally schema-qualified (letters, digits, underscores).
              default: loans
          --afterLoad=<keep|archive|delete>
              After a successful load: keep, archive (move under --archiveTo) or delete the input files.
              default: keep
          --archiveTo=<String>
              Prefix the inputs are moved under with --afterLoad=archive (local dir or s3://bucket/prefix/).
          --notNull=<String>
              Columns that must not be null, comma-separated (e.g. id,loan_amnt). A row with a null there is
              rejected (reason rule_not_null).
          --range=<List>
              A column's allowed range, <column>:<min>..<max>, either side may be left open (e.g.
              loan_amnt:0..40000, dti:..100). Repeat the option for several columns. A row outside is
              rejected (reason rule_range); a null passes (use --notNull for that).
          --unique=<String>
              Columns whose values together must be unique within the run, comma-separated (e.g. id). Every
              row sharing a key with another is rejected (reason rule_unique): which copy is right is
              unknown.
          --incremental=<boolean>
              Read only the --input files that are new, or changed (size or modification time), since the
              last successful run into the same target; the others are skipped. Rows of a changed file
              replace its earlier rows.
              default: false
          --reprocess=<String>
              With --incremental: a glob of input files to read again even if unchanged (a backfill), e.g.
              s3://bucket/loans/2024-03-*.csv.

        options of every pipeline:
          --rejects=<String>
              Where rejected records go (local path or s3://). Ends in .csv for CSV, otherwise JSON lines.
              Default: beam-etl-runs/<runId>/rejects.jsonl
          --runId=<String>
              Identifier of this run, written in the run report and the rejects. Default: <pipeline>-<UTC
              time>-<random>.
          --runReport=<String>
              Where the JSON run report is written at the end of the run (local path or s3://). Default:
              beam-etl-runs/<runId>/report.json
          --s3PathStyleAccess=<boolean>
              Address S3 buckets by path (http://host/bucket/key) instead of by virtual host. Needed by most
              S3-compatible servers given with --endpoint.
              default: false
          --maxRejected=<String>
              Fail the run if more records than this are rejected: a count (e.g. 100) or a percentage of the
              records read (e.g. 1%). Default: no limit.
          --minRecords=<Long>
              Fail the run if it reads fewer records than this (e.g. 1, so that an empty daily drop is an
              error). Default: no minimum.

        Also accepted: --runner=DirectRunner|SparkRunner, --sparkMaster=local[N], --awsRegion, --endpoint, and Beam's other options.
        """));
  }

  @Test
  void eachPipelinesHelpShowsItsOwnExampleInputAndOutputFormats() {
    for (PipelineCatalog.Entry e : PipelineCatalog.entries()) {
      out.reset();
      assertThat(run(e.name(), "--help"), is(0));
      assertThat(e.name(), out(), containsString("      e.g. " + e.exampleInput() + "\n"));
    }
    out.reset();
    run("ride-weather", "--help");
    assertThat(out(), containsString("--outputFormat=<parquet|csv|jsonl>"));
    out.reset();
    run("taxi-staging", "--help");
    assertThat(out(), containsString("--outputFormat=<parquet|csv>"));
    out.reset();
    run("taxi-gold", "--help");
    assertThat(out(), containsString("default: nyc.main_data"));
  }

  @Test
  void argumentErrorsNameTheProblem() {
    assertThat(run("no-such-pipeline"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("unknown pipeline 'no-such-pipeline'"));

    assertThat(run("loan-filter", "--jdbcUrl=jdbc:postgresql://x/y"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("--input"));

    assertThat(run("loan-filter", "--input=" + tmp + "/none/*.csv", "--jdbcUrl=jdbc:postgresql://x/y"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("no input files match"));

    assertThat(run("loan-filter", "--input=" + LoanFixtures.SAMPLE, "--jdbcUrl=jdbc:postgresql://x/y", "--table=x;drop"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("--table"));
  }

  /** The same table the launcher's BadArgumentsMotoTest refuses: the same lines, exit 2, no secret repeated. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  void badArgumentSetsAreRefusedWithEveryProblemOnItsOwnLine(BadArguments.Case bad) {
    assertThat(run(Stream.concat(Stream.of(bad.pipeline()), Stream.of(bad.cliArgs())).toArray(String[]::new)), is(BeamEtl.BAD_ARGUMENTS));
    String expected = bad.problems().stream().map(p -> "error: " + p + "\n").collect(Collectors.joining())
        + "Run 'beam-etl " + bad.pipeline() + " --help' for its options.\n";
    assertThat(err(), equalTo(expected));
    assertThat(out() + err(), not(containsString(BadArguments.SECRET)));
  }

  static Stream<BadArguments.Case> badArguments() {
    return BadArguments.cases().stream();
  }

  @Test
  void errorsAreInTheCliOwnWords() {
    assertThat(run("listing-postprocess", "--kind=prices", "--inpt=raw", "--output=table", "--partitons=4", "--afterLoad=archiv"),
        is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), equalTo("""
        error: option --kind: 'prices' is not one of price, occupancy, reviews
        error: unknown option --inpt (did you mean --input?)
        error: unknown option --partitons (did you mean --partitions?)
        error: option --afterLoad: 'archiv' is not one of keep, archive, delete
        error: missing required option --input (Root of the raw scraper output (local dir or s3://bucket/prefix). \
        The run reads every <input>/array_<n>/<yyyyMMddHHmmss>/*.parquet it finds when it starts.)
        Run 'beam-etl listing-postprocess --help' for its options.
        """));
  }

  @Test
  void aRunnerOptionIsAcceptedAndAMisspeltOneSuggested() {
    assertThat(run("loan-filter", "--input=x.csv", "--jdbcUrl=jdbc:postgresql://x/y", "--enforceImutability=false", "--sparkMaster=local[2]"),
        is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), equalTo("""
        error: unknown option --enforceImutability (did you mean --enforceImmutability?)
        Run 'beam-etl loan-filter --help' for its options.
        """));
  }

  @Test
  void goldenRunThroughTheCommandLine() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS cli_golden");
    int status =
        run(
            "loan-filter",
            "--input=" + LoanFixtures.SAMPLE,
            "--jdbcUrl=" + pg.jdbcUrl(),
            "--jdbcUser=" + PostgresServer.USER,
            "--table=cli_golden",
            "--afterLoad=KEEP",
            "--rejects=" + tmp.resolve("rejects.csv"),
            "--runReport=" + tmp.resolve("report.json"));
    assertThat(err(), status, is(0));
    assertThat(LoanFilterGoldenTest.loaded(pg, "cli_golden"), equalTo(LoanFilterGoldenTest.EXPECTED));
  }
}
