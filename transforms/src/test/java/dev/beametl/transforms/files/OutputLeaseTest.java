package dev.beametl.transforms.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** One holder at a time, on a local directory and on S3 (moto): refused while held, taken over once expired. */
class OutputLeaseTest {
  private static final String EXPIRED = "{\"runId\":\"killed\",\"pipeline\":\"p\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}";

  @TempDir Path tmp;

  @Test
  void localLeaseRefusesASecondRunAndIsTakenOverOnceExpired() throws Exception {
    PipelineOptions options = PipelineOptionsFactory.create();
    String out = tmp.resolve("out").toString();
    try (OutputLease first = OutputLease.take(out, "p", "run-a", options)) {
      OutputLease.HeldException refused = assertThrows(OutputLease.HeldException.class, () -> OutputLease.take(out, "p", "run-b", options));
      assertThat(refused.getMessage(), containsString("run-a"));
      first.check();
    }
    assertThat(Files.exists(tmp.resolve("out").resolve(OutputLease.FILE)), is(false));

    Files.writeString(tmp.resolve("out").resolve(OutputLease.FILE), EXPIRED);
    try (OutputLease taken = OutputLease.take(out, "p", "run-c", options)) {
      taken.check();
      assertThat(Files.readString(tmp.resolve("out").resolve(OutputLease.FILE)), containsString("run-c"));
    }
  }

  @Test
  void s3LeaseIsAConditionalPutAndAnExpiredOneIsSwappedByItsETag() throws Exception {
    S3Server s3 = S3Server.shared();
    s3.createBucket("lease-test");
    List<String> args = new ArrayList<>(s3.pipelineArgs());
    // Beam's own S3 options: --s3PathStyleAccess is beam-etl's, which the transforms do not know.
    args.removeIf(a -> a.startsWith("--s3PathStyleAccess"));
    S3Options options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(S3Options.class);
    options.setS3ClientFactoryClass(PathStyleClients.class);
    FileSystems.setDefaultPipelineOptions(options);
    String out = "s3://lease-test/out/";
    try (OutputLease first = OutputLease.take(out, "p", "run-a", options)) {
      OutputLease.HeldException refused = assertThrows(OutputLease.HeldException.class, () -> OutputLease.take(out, "p", "run-b", options));
      assertThat(refused.getMessage(), containsString("run-a"));
    }
    s3.put("lease-test", "out/" + OutputLease.FILE, EXPIRED.getBytes(StandardCharsets.UTF_8));
    try (OutputLease taken = OutputLease.take(out, "p", "run-c", options)) {
      taken.check();
      assertThat(new String(s3.get("lease-test", "out/" + OutputLease.FILE), StandardCharsets.UTF_8), containsString("run-c"));
    }
    assertThat(s3.list("lease-test", "out/").isEmpty(), is(true));
  }

  @Test
  void aRunsFilesAreRecognisedByTheirWholeName() {
    assertThat(StagedOutput.isOfRun("part-r1-00000-of-00002.parquet", "r1"), is(true));
    assertThat(StagedOutput.isOfRun("part-r1-b-00000-of-00002.parquet", "r1"), is(false));
    assertThat(StagedOutput.isOfRun("part-00000-of-00002.parquet", "r1"), is(false));
  }

  /** moto serves buckets by path (http://host/bucket/key), not by virtual host. */
  public static class PathStyleClients extends DefaultS3ClientBuilderFactory {
    @Override
    public S3ClientBuilder createBuilder(S3Options options) {
      return super.createBuilder(options).forcePathStyle(true);
    }
  }
}
