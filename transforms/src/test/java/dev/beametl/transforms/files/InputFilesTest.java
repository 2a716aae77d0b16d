package dev.beametl.transforms.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing the inputs once, and reading each listed file exactly once, spread or dealt evenly. */
class InputFilesTest {
  @TempDir Path tmp;

  private List<String> files(int n) throws IOException {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path file = tmp.resolve(String.format("in-%02d.csv", i));
      Files.writeString(file, "content of " + i);
      paths.add(file.toString());
    }
    return paths;
  }

  @Test
  void listsEveryMatchOnceSortedAndRefusesPatternsThatMatchNothing() throws IOException {
    List<String> paths = files(3);
    assertThat(InputFiles.resolve(tmp.resolve("in-0[12].csv") + ", " + tmp.resolve("*.csv")), contains(paths.toArray()));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> InputFiles.resolve(tmp.resolve("*.json").toString()));
    assertThat(none.getMessage(), startsWith("no input files match"));
  }

  @Test
  void spreadReadingReadsEachFileOnce() throws IOException {
    readsEachOnce(InputFiles::read);
  }

  @Test
  void evenReadingReadsEachFileOnce() throws IOException {
    readsEachOnce(InputFiles::readEvenly);
  }

  private void readsEachOnce(java.util.function.Function<List<String>, PTransform<PBegin, PCollection<FileIO.ReadableFile>>> reading)
      throws IOException {
    List<String> paths = files(10);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<String> contents =
        p.apply(reading.apply(paths))
            .apply(MapElements.into(TypeDescriptors.strings()).via(file -> {
              try {
                return file.getMetadata().resourceId().getFilename() + ": " + file.readFullyAsUTF8String();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      expected.add(String.format("in-%02d.csv: content of %d", i, i));
    }
    PAssert.that(contents).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void anEmptyListReadsNothing() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PAssert.that(p.apply(InputFiles.read(List.of()))).empty();
    p.run().waitUntilFinish();
  }
}
