package dev.beametl.transforms.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file commit: complete temporary files take their final names, and nothing else is left. */
class FinalizeFilesTest {
  @TempDir Path tmp;

  private String temp(String temp, String name, String content) throws IOException {
    Path file = Path.of(temp.replaceFirst("^file:", "")).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file.toString();
  }

  private List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void partsAreNumberedInKeyOrderAndTheTemporaryDirectoryWithAFailedAttemptIsRemoved() throws IOException {
    String temp = FinalizeFiles.tempDirectory(tmp.toString(), "run-1");
    String b = temp(temp, "b-attempt", "second");
    String a = temp(temp, "a-attempt", "first");
    temp(temp, "a-failed-attempt", "partial");

    List<String> finals = FinalizeFiles.finish(List.of(KV.of("in/b.csv", b), KV.of("in/a.csv", a)), tmp.toString(), temp, "parquet");

    assertThat(names(tmp), contains("part-00000-of-00002.parquet", "part-00001-of-00002.parquet"));
    assertThat(finals.size(), is(2));
    assertThat("ordered by key, not by the order they came in", Files.readString(tmp.resolve("part-00000-of-00002.parquet")), is("first"));
    assertThat(Files.readString(tmp.resolve("part-00001-of-00002.parquet")), is("second"));
  }

  @Test
  void filesNamedAfterTheirInputsKeepTheirNamesFromRunToRun() throws IOException {
    for (String run : List.of("run-1", "run-2")) {
      String temp = FinalizeFiles.tempDirectory(tmp.toString(), run);
      FinalizeFiles.finish(
          List.of(KV.of("/data/2024/jan.csv", temp(temp, "x", run)), KV.of("/data/2025/jan.csv", temp(temp, "y", run))),
          tmp.toString(), temp, "csv", true);
    }
    String jan2024 = FinalizeFiles.nameFor("/data/2024/jan.csv", "csv");
    String jan2025 = FinalizeFiles.nameFor("/data/2025/jan.csv", "csv");
    assertThat("two inputs of the same name stay apart", jan2024.equals(jan2025), is(false));
    assertThat(names(tmp), contains(Stream.of(jan2024, jan2025).sorted().toArray()));
    assertThat("the later run replaced each file", Files.readString(tmp.resolve(jan2024)), is("run-2"));
  }
}
