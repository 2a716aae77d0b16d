package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.PipelineCatalog;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** The region looked up beside the parse is Beam's own default, and a given --awsRegion stays. */
class AwsRegionDefaultTest {
  private static Region regionOf(String... args) {
    AwsRegionDefault lookup = AwsRegionDefault.lookUp(args);
    EtlOptions options = BeamEtl.parse(PipelineCatalog.find("taxi-gold").orElseThrow(), args);
    lookup.applyTo(options);
    return options.as(AwsOptions.class).getAwsRegion();
  }

  @Test
  void withoutTheOptionTheRegionIsBeamsDefault() {
    Region beams = new AwsOptions.AwsRegionFactory().create(PipelineOptionsFactory.create());
    assertThat(regionOf("--input=in", "--output=out"), is(beams));
  }

  @Test
  void theSdksChainIsWhatIsLookedUp() {
    String before = System.getProperty("aws.region");
    System.setProperty("aws.region", "eu-west-3");
    try {
      assertThat(regionOf("--input=in", "--output=out"), is(Region.EU_WEST_3));
    } finally {
      if (before == null) {
        System.clearProperty("aws.region");
      } else {
        System.setProperty("aws.region", before);
      }
    }
  }

  @Test
  void aGivenRegionIsKept() {
    assertThat(regionOf("--input=in", "--output=out", "--awsRegion=ap-southeast-2"), is(Region.AP_SOUTHEAST_2));
  }
}
