package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.beametl.options.PipelineCatalog;
import dev.beametl.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    assertThat(run("loan-filter", "--input=x.csv", "--colour=blue"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("unknown option --colour"));

    assertThat(run("loan-filter", "--input=x.csv", "--minLastFicoRangeLow=high"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("option --minLastFicoRangeLow: 'high' is not a valid int"));

    assertThat(run("loan-filter", "--input=" + tmp + "/none/*.csv", "--jdbcUrl=jdbc:postgresql://x/y"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("no input files match"));

    assertThat(run("loan-filter", "--input=" + LoanFixtures.SAMPLE, "--jdbcUrl=jdbc:postgresql://x/y", "--table=x;drop"), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err(), containsString("--table"));
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
