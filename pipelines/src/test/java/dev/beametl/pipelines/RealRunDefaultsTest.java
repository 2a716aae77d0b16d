package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.arrayContaining;
import static org.hamcrest.Matchers.is;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.PipelineCatalog;
import java.util.Arrays;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.junit.jupiter.api.Test;

/** Real runs from the command line get the DirectRunner's fast settings; the checks stay one option away. */
class RealRunDefaultsTest {
  static DirectOptions parsed(String... args) {
    String[] withDefaults = RealRunDefaults.apply(args);
    EtlOptions options = BeamEtl.parse(PipelineCatalog.find(withDefaults[0]).orElseThrow(), Arrays.copyOfRange(withDefaults, 1, withDefaults.length));
    return options.as(DirectOptions.class);
  }

  @Test
  void aDirectRunnerRunHasBothChecksOff() {
    DirectOptions options = parsed("taxi-staging", "--input=in/*.csv", "--output=out");
    assertThat(options.isEnforceImmutability(), is(false));
    assertThat(options.isEnforceEncodability(), is(false));
    assertThat(parsed("taxi-staging", "--input=in/*.csv", "--output=out", "--runner=DirectRunner").isEnforceImmutability(), is(false));
  }

  @Test
  void eachCheckIsOneOptionAway() {
    DirectOptions options = parsed("taxi-staging", "--input=in/*.csv", "--output=out", "--enforceImmutability=true");
    assertThat(options.isEnforceImmutability(), is(true));
    assertThat(options.isEnforceEncodability(), is(false));
    assertThat(parsed("taxi-staging", "--input=in/*.csv", "--output=out", "--enforceEncodability").isEnforceEncodability(), is(true));
  }

  @Test
  void aSparkRunKeepsWhatItCachesSerializedUnlessToldOtherwise() {
    String[] spark = {"taxi-staging", "--runner=SparkRunner", "--input=in/*.csv", "--output=out"};
    assertThat(parsed(spark).as(SparkPipelineOptions.class).getStorageLevel(), is("MEMORY_AND_DISK_SER"));
    String[] memoryOnly = {"taxi-staging", "--runner=SparkRunner", "--input=in/*.csv", "--output=out", "--storageLevel=MEMORY_ONLY"};
    assertThat(RealRunDefaults.apply(memoryOnly)[4], is("--storageLevel=MEMORY_ONLY"));
    assertThat(parsed(memoryOnly).as(SparkPipelineOptions.class).getStorageLevel(), is("MEMORY_ONLY"));
  }

  @Test
  void loanFilterOnSparkReadsItsForkAgainInsteadOfCachingItUnlessToldOtherwise() {
    String[] loans = {"loan-filter", "--runner=SparkRunner", "--input=in/*.csv", "--jdbcUrl=jdbc:postgresql://db/x"};
    assertThat(parsed(loans).as(SparkPipelineOptions.class).isCacheDisabled(), is(true));
    String[] cached = {"loan-filter", "--runner=SparkRunner", "--input=in/*.csv", "--jdbcUrl=jdbc:postgresql://db/x", "--cacheDisabled=false"};
    assertThat(parsed(cached).as(SparkPipelineOptions.class).isCacheDisabled(), is(false));
    String[] taxi = {"taxi-gold", "--runner=SparkRunner", "--input=in", "--output=out"};
    assertThat(parsed(taxi).as(SparkPipelineOptions.class).isCacheDisabled(), is(false));
  }

  @Test
  void otherRunnersHelpAndTheTestsPathAreLeftAlone() {
    String[] flink = {"taxi-staging", "--runner=FlinkRunner", "--input=in/*.csv"};
    assertThat(RealRunDefaults.apply(flink), arrayContaining(flink));
    assertThat(RealRunDefaults.apply(new String[] {"--help"}), arrayContaining("--help"));
    // What the tests (and BeamEtl.execute) parse keeps Beam's defaults: both checks on.
    EtlOptions direct = BeamEtl.parse(PipelineCatalog.find("taxi-staging").orElseThrow(), new String[] {"--input=in/*.csv", "--output=out"});
    assertThat(direct.as(DirectOptions.class).isEnforceImmutability(), is(true));
    assertThat(direct.as(DirectOptions.class).isEnforceEncodability(), is(true));
  }
}
