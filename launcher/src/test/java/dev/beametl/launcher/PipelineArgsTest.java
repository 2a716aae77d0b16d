package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class PipelineArgsTest {
  private static final String DB = "jdbc:postgresql://db:5432/loans";

  private static Map<String, String> args(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static List<String> problems(String pipeline, Map<String, String> args) {
    return assertThrows(LaunchRequestException.class, () -> PipelineArgs.validate(pipeline, args)).problems();
  }

  @Test
  void acceptsThePipelinesOptionsAndGivesTheRunIdTheClusterWillUse() {
    PipelineArgs valid = PipelineArgs.validate("loan-filter",
        args("input", "s3://in/loans/*.csv", "jdbcUrl", "jdbc:postgresql://db:5432/loans", "minLastFicoRangeLow", "650",
            "afterLoad", "ARCHIVE", "archiveTo", "s3://in/archive/", "awsRegion", "eu-west-1"));
    assertThat(valid.entry().name(), equalTo("loan-filter"));
    assertThat(valid.runId(), matchesPattern("loan-filter-\\d{8}T\\d{6}Z-[0-9a-f]{4}"));
  }

  @Test
  void aRunIdInTheArgsIsTheRunsId() {
    assertThat(PipelineArgs.validate("loan-filter", args("input", "s3://in/x.csv", "jdbcUrl", DB, "runId", "nightly-42")).runId(), equalTo("nightly-42"));
  }

  @Test
  void unknownPipelineNamesTheKnownOnes() {
    LaunchRequestException e = assertThrows(LaunchRequestException.class, () -> PipelineArgs.validate("loan-filtre", args()));
    assertThat(e.getMessage(), containsString("unknown pipeline 'loan-filtre' (known: "));
    assertThat(e.getMessage(), containsString("loan-filter"));
  }

  @Test
  void unknownOptionIsNamedWithANearMiss() {
    assertThat(problems("loan-filter", args("inptu", "s3://in/x.csv", "jdbcUrl", DB)), containsInAnyOrder(
        equalTo("pipeline 'loan-filter': unknown option --inptu (did you mean --input?)"),
        startsWith("pipeline 'loan-filter': missing required option --input (Input files")));
  }

  @Test
  void missingRequiredOptionIsNamed() {
    assertThat(problems("loan-filter", args("jdbcUrl", "jdbc:postgresql://db/x")),
        contains(startsWith("pipeline 'loan-filter': missing required option --input (")));
  }

  @Test
  void wrongTypesAreNamedWithTheExpectedType() {
    assertThat(problems("loan-filter", args("input", "x", "jdbcUrl", DB, "minLastFicoRangeLow", "seven hundred", "afterLoad", "burn",
            "s3PathStyleAccess", "maybe", "jdbcBatchSize", "1.5")),
        contains(
            "pipeline 'loan-filter': option --minLastFicoRangeLow: 'seven hundred' is not a valid int",
            "pipeline 'loan-filter': option --afterLoad: 'burn' is not one of keep, archive, delete",
            "pipeline 'loan-filter': option --s3PathStyleAccess: 'maybe' is not a valid boolean",
            "pipeline 'loan-filter': option --jdbcBatchSize: '1.5' is not a valid int"));
  }

  @Test
  void optionsOnlyAnotherPipelineHasAreUnknownEvenAfterThatPipelineWasParsedInThisJvm() {
    // Beam accepts any option of an interface registered earlier in the JVM; a warm Lambda must not.
    PipelineOptionsFactory.register(dev.beametl.options.FileOutputOptions.class);
    assertThat(problems("loan-filter", args("input", "x", "jdbcUrl", DB, "outputFormat", "CSV")),
        contains("pipeline 'loan-filter': unknown option --outputFormat"));
  }

  @Test
  void theRunnerAndSparkMasterBelongToTheLauncher() {
    assertThat(problems("loan-filter", args("input", "x", "jdbcUrl", DB, "runner", "DirectRunner", "sparkMaster", "local[2]")), contains(
        "pipeline 'loan-filter': option --runner cannot be set in a launch request: the launcher always runs --runner=SparkRunner on EMR",
        "pipeline 'loan-filter': option --sparkMaster cannot be set in a launch request: on EMR spark-submit runs the pipeline on YARN"));
  }

  @Test
  void sparkTuningOptionsPassButAreTypeChecked() {
    PipelineArgs.validate("loan-filter", args("input", "x", "jdbcUrl", DB, "storageLevel", "MEMORY_AND_DISK", "bundleSize", "1048576", "cacheDisabled", "true"));
    assertThat(problems("loan-filter", args("input", "x", "jdbcUrl", DB, "bundleSize", "big")),
        contains("pipeline 'loan-filter': option --bundleSize: 'big' is not a valid long"));
  }
}
