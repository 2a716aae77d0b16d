package dev.beametl.transforms.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.arrayContainingInAnyOrder;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.testing.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteOneFileTest {
  @TempDir Path tmp;

  @Test
  void writesEveryElementOfManyBundlesIntoOneFileAndNothingElse() throws IOException {
    List<String> lines = IntStream.range(0, 30_000).mapToObj(i -> "line " + i).toList();
    Path file = tmp.resolve("out/all.txt");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<String> written = p.apply(Create.of(lines)).apply(WriteOneFile.to(file.toString(), TextIO.sink()));
    PAssert.thatSingleton(written).isEqualTo(file.toString());
    p.run().waitUntilFinish();

    assertThat(Files.readAllLines(file), containsInAnyOrder(lines.toArray()));
    assertThat("no temporary file left beside it", names(file.getParent()), contains("all.txt"));
  }

  @Test
  void writesTheFileEvenWithoutElements() throws IOException {
    Path file = tmp.resolve("rejects.csv");
    write(List.of(), file, TextIO.sink().withHeader("a,b"));
    assertThat(Files.readString(file), is("a,b\n"));
  }

  @Test
  void replacesAnEarlierFile() throws IOException {
    Path file = tmp.resolve("rejects.jsonl");
    Files.writeString(file, "from an earlier run\n");
    write(List.of("new"), file, TextIO.sink());
    assertThat(Files.readString(file), is("new\n"));
  }

  @Test
  void aFailedWriteLeavesTheEarlierFileAndNoTemporaryFile() throws IOException {
    Path file = tmp.resolve("gold.txt");
    Files.writeString(file, "complete\n");
    RuntimeException failed = assertThrows(RuntimeException.class, () -> write(List.of("a", "boom"), file, new FailingSink()));
    assertThat(failed.getMessage(), containsString("boom"));
    assertThat(Files.readString(file), is("complete\n"));
    assertThat(names(tmp), contains("gold.txt"));
  }

  @Test
  void writesToS3ThroughASinkThatClosesItsChannel() {
    S3Server s3 = S3Server.shared();
    s3.createBucket("one-file");
    List<String> args = new ArrayList<>(s3.pipelineArgs());
    // Beam's own S3 options: --s3PathStyleAccess is beam-etl's, which the transforms do not know.
    args.removeIf(a -> a.startsWith("--s3PathStyleAccess"));
    S3Options options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(S3Options.class);
    options.setS3ClientFactoryClass(OutputLeaseTest.PathStyleClients.class);
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(List.of("a", "b")).withCoder(StringUtf8Coder.of())).apply(WriteOneFile.to("s3://one-file/gold/part.txt", new ClosingSink()));
    p.run().waitUntilFinish();
    assertThat(new String(s3.get("one-file", "gold/part.txt"), StandardCharsets.UTF_8).split("\n"), arrayContainingInAnyOrder("a", "b"));
    assertThat(s3.list("one-file", "gold/"), contains("gold/part.txt"));
  }

  private static void write(List<String> lines, Path file, FileIO.Sink<String> sink) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(lines).withCoder(StringUtf8Coder.of())).apply(WriteOneFile.to(file.toString(), sink));
    p.run().waitUntilFinish();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Closes its channel when flushed, as Parquet's sink does (its writer owns the stream). */
  private static final class ClosingSink implements FileIO.Sink<String> {
    private final TextIO.Sink text = TextIO.sink();
    private @Nullable WritableByteChannel channel;

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      this.channel = channel;
      text.open(channel);
    }

    @Override
    public void write(String element) throws IOException {
      text.write(element);
    }

    @Override
    public void flush() throws IOException {
      text.flush();
      Objects.requireNonNull(channel).close();
    }
  }

  /** Fails on the element "boom", after writing what came before it. */
  private static final class FailingSink implements FileIO.Sink<String> {
    private final TextIO.Sink text = TextIO.sink();

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      text.open(channel);
    }

    @Override
    public void write(String element) throws IOException {
      if (element.equals("boom")) {
        throw new IOException("boom");
      }
      text.write(element);
    }

    @Override
    public void flush() throws IOException {
      text.flush();
    }
  }
}
