package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Beam's default for {@code --awsRegion}, looked up from the start of a command on a thread of its
 * own instead of when the run registers its file systems. The default is the AWS SDK's region
 * chain (the environment, the profile, then the EC2 metadata service), which Beam's S3 file system
 * asks for on every run, S3 or not. Outside EC2 the metadata service is asked three times with
 * pauses between: 250 + 500 ms of {@code Thread.sleep} on the main thread, before any input is
 * read (JFR of taxi-gold on 30 rows, Spark local[2]: the run took 4.4 s in all). Looked up while
 * the options are parsed and set as the options' value, it is the same region (or none, as Beam's
 * own default gives then), and the executors get it with the options.
 */
final class AwsRegionDefault {
  private final @Nullable CompletableFuture<Optional<Region>> lookup;

  private AwsRegionDefault(@Nullable CompletableFuture<Optional<Region>> lookup) {
    this.lookup = lookup;
  }

  /** Starts the lookup, unless the arguments give {@code --awsRegion}. */
  static AwsRegionDefault lookUp(String[] args) {
    boolean given = Arrays.stream(args).anyMatch(a -> a.equals("--awsRegion") || a.startsWith("--awsRegion="));
    return new AwsRegionDefault(given ? null : CompletableFuture.supplyAsync(AwsRegionDefault::sdkChain));
  }

  /** Sets the looked-up region as the options' {@code --awsRegion}, waiting for the lookup if need be. */
  void applyTo(EtlOptions options) {
    if (lookup == null) {
      return;
    }
    Optional<Region> region;
    try {
      region = lookup.join();
    } catch (CompletionException e) {
      return; // Left to Beam's default, which fails the same way where it always did.
    }
    options.as(AwsOptions.class).setAwsRegion(region.orElse(null));
  }

  /** What Beam's {@code AwsOptions.AwsRegionFactory} gives. */
  private static Optional<Region> sdkChain() {
    try {
      return Optional.ofNullable(new DefaultAwsRegionProviderChain().getRegion());
    } catch (SdkClientException e) {
      return Optional.empty();
    }
  }
}
