package dev.beametl.transforms.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchFoldersTest {
  @TempDir Path tmp;
  Path raw;

  @BeforeEach
  void layout() throws IOException {
    raw = tmp.resolve("raw");
    for (String file :
        List.of(
            "array_0/20220501120000/a.parquet",
            "array_0/20220501120000/b.parquet",
            "array_0/20220501120000/_SUCCESS",
            "array_0/20220501120000/.a.parquet.crc",
            "array_0/20220501120000/notes.txt",
            "array_0/20220430120000/a.parquet",
            "array_12/20220501120000/a.parquet",
            "array_0/latest/a.parquet",
            "other/20220501120000/a.parquet")) {
      Files.createDirectories(raw.resolve(file).getParent());
      Files.writeString(raw.resolve(file), file);
    }
  }

  @Test
  void listsBatchFoldersOldestFirstAndLeavesEverythingElseAlone() {
    List<BatchFolders.Batch> batches = BatchFolders.under(raw.toString(), ".parquet").list();

    assertThat(batches.stream().map(BatchFolders.Batch::relative).toList(), contains("array_0/20220430120000", "array_0/20220501120000", "array_12/20220501120000"));
    assertThat(batches.get(1).files(), contains(raw.resolve("array_0/20220501120000/a.parquet").toString(), raw.resolve("array_0/20220501120000/b.parquet").toString()));
  }

  @Test
  void deleteRemovesTheListedFilesAndEmptiedFoldersOnly() throws IOException {
    BatchFolders folders = BatchFolders.under(raw.toString(), ".parquet");
    List<BatchFolders.Batch> batches = folders.list();

    folders.afterLoad(batches, AfterLoad.DELETE, null);

    assertThat(
        files(raw),
        contains(
            "array_0/20220501120000/.a.parquet.crc",
            "array_0/20220501120000/_SUCCESS",
            "array_0/20220501120000/notes.txt",
            "array_0/latest/a.parquet",
            "other/20220501120000/a.parquet"));
    assertThat(Files.exists(raw.resolve("array_0/20220430120000")), is(false));
    assertThat("a clean-up that is run again skips what is gone", folders.afterLoad(batches, AfterLoad.DELETE, null), empty());
  }

  @Test
  void archiveKeepsTheLayout() throws IOException {
    BatchFolders folders = BatchFolders.under(raw.toString(), ".parquet");
    Path archive = tmp.resolve("archive");

    List<String> archived = folders.afterLoad(folders.list(), AfterLoad.ARCHIVE, archive.toString());

    assertThat(archived.get(0), is(archive.resolve("array_0/20220430120000") + "/"));
    assertThat(files(archive), contains("array_0/20220430120000/a.parquet", "array_0/20220501120000/a.parquet", "array_0/20220501120000/b.parquet", "array_12/20220501120000/a.parquet"));
    assertThat(Files.readString(archive.resolve("array_12/20220501120000/a.parquet")), is("array_12/20220501120000/a.parquet"));
    assertThat(folders.list(), empty());
  }

  @Test
  void archiveNeverOverwritesAndThenMovesNothing() throws IOException {
    BatchFolders folders = BatchFolders.under(raw.toString(), ".parquet");
    Path archive = tmp.resolve("archive");
    Files.createDirectories(archive.resolve("array_0/20220501120000"));
    Files.writeString(archive.resolve("array_0/20220501120000/a.parquet"), "archived earlier");

    IOException refused = assertThrows(IOException.class, () -> folders.afterLoad(folders.list(), AfterLoad.ARCHIVE, archive.toString()));

    assertThat(refused.getMessage().contains("array_0/20220501120000/a.parquet"), is(true));
    assertThat(Files.readString(archive.resolve("array_0/20220501120000/a.parquet")), is("archived earlier"));
    assertThat(folders.list().size(), is(3));
  }

  @Test
  void archiveNeedsADestinationOtherThanTheInput() {
    BatchFolders folders = BatchFolders.under(raw.toString(), ".parquet");
    assertThrows(IllegalArgumentException.class, () -> folders.checkAfterLoad(AfterLoad.ARCHIVE, null));
    assertThrows(IllegalArgumentException.class, () -> folders.checkAfterLoad(AfterLoad.ARCHIVE, raw + "/"));
  }

  @Test
  void noBatchesIsAnEmptyList() {
    assertThat(BatchFolders.under(tmp.resolve("nowhere").toString(), ".parquet").list(), empty());
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }
}
