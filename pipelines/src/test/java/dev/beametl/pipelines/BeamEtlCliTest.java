package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.beametl.options.PipelineCatalog;
import dev.beametl.testing.BadArguments;
import dev.beametl.testing.PostgresServer;
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
  void pipelineHelpListsItsOptionsWithDefaults() {
    assertThat(run("loan-filter", "--help"), is(0));
    assertThat(out(), containsString("--input=<String>  (required)"));
    assertThat(out(), containsString("--afterLoad=<keep|archive|delete>"));
    assertThat(out(), containsString("default: Charged Off"));
    assertThat(out(), containsString("--minLastFicoRangeLow=<int>"));
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
