package dev.beametl.transforms.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceLifecycleTest {
  @TempDir Path tmp;

  @BeforeAll
  static void fileSystems() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
  }

  List<String> inputs() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("a.csv"), "a");
    Files.writeString(in.resolve("b.csv"), "b");
    return InputFiles.resolve(in + "/*.csv");
  }

  @Test
  void keepLeavesTheInputs() throws Exception {
    List<String> inputs = inputs();
    SourceLifecycle.of(AfterLoad.KEEP, null, "run-1").apply(inputs);
    assertThat(Files.exists(Path.of(inputs.get(0))), is(true));
  }

  @Test
  void deleteRemovesExactlyTheInputs() throws Exception {
    List<String> inputs = inputs();
    Files.writeString(tmp.resolve("in/late.csv"), "arrived during the run");
    SourceLifecycle.of(AfterLoad.DELETE, null, "run-1").apply(inputs);
    assertThat(Files.exists(Path.of(inputs.get(0))), is(false));
    assertThat(Files.exists(Path.of(inputs.get(1))), is(false));
    assertThat(Files.exists(tmp.resolve("in/late.csv")), is(true));
  }

  @Test
  void archiveMovesTheInputsUnderTheRunsOwnFolder() throws Exception {
    List<String> inputs = inputs();
    Path archive = tmp.resolve("archive");
    List<String> moved = SourceLifecycle.of(AfterLoad.ARCHIVE, archive + "/", "run-1").apply(inputs);
    assertThat(moved.size(), is(2));
    assertThat(Files.readString(archive.resolve("run-1/a.csv")), is("a"));
    assertThat(Files.exists(Path.of(inputs.get(0))), is(false));
  }

  @Test
  void archiveNeverOverwritesWhatIsAlreadyArchived() throws Exception {
    List<String> inputs = inputs();
    Path archive = tmp.resolve("archive");
    // Yesterday's a.csv, archived flat, and a run that re-uses an id.
    Files.createDirectories(archive.resolve("run-1"));
    Files.writeString(archive.resolve("a.csv"), "yesterday");
    Files.writeString(archive.resolve("run-1/b.csv"), "earlier run-1");

    SourceLifecycle again = SourceLifecycle.of(AfterLoad.ARCHIVE, archive + "/", "run-1");
    IllegalArgumentException before = assertThrows(IllegalArgumentException.class, () -> again.checkInputs(inputs));
    assertThat(before.getMessage(), containsString("run-1/b.csv"));
    IOException atTheEnd = assertThrows(IOException.class, () -> again.apply(inputs));
    assertThat(atTheEnd.getMessage(), containsString("never overwritten"));
    assertThat(Files.readString(archive.resolve("run-1/b.csv")), is("earlier run-1"));
    assertThat(Files.exists(Path.of(inputs.get(0))), is(true));
    assertThat(Files.exists(Path.of(inputs.get(1))), is(true));

    List<String> moved = SourceLifecycle.of(AfterLoad.ARCHIVE, archive + "/", "run-2").apply(inputs);
    assertThat(moved.size(), is(2));
    assertThat(Files.readString(archive.resolve("a.csv")), is("yesterday"));
    assertThat(Files.readString(archive.resolve("run-2/a.csv")), is("a"));
  }

  @Test
  void archiveNeedsADestinationAndDistinctNames() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> SourceLifecycle.of(AfterLoad.ARCHIVE, null, "run-1"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SourceLifecycle.of(AfterLoad.ARCHIVE, "x/", "run-1").checkInputs(List.of("/a/data.csv", "/b/data.csv")));
    assertThat(e.getMessage(), containsString("data.csv"));
  }

  @Test
  void resolveFailsClearlyWhenNothingMatches() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InputFiles.resolve(tmp + "/nothing/*.csv"));
    assertThat(e.getMessage(), containsString("no input files match"));
  }
}
