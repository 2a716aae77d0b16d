package dev.beametl.transforms.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.values.KV;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporary files -> their final names {@code part-NNNNN-of-NNNNN.<ext>} under the output
 * directory, once every file is complete; then the temporary directory (with files of failed
 * attempts) is removed. A reader never sees a half-written output under a final name. Part files
 * of an earlier run into the same directory that this run did not overwrite are deleted, so the
 * directory holds exactly this run's output (a reader of the directory never mixes two runs).
 */
public final class FinalizeFiles {
  private static final Logger LOG = LoggerFactory.getLogger(FinalizeFiles.class);

  private FinalizeFiles() {}

  /** A fresh temporary directory under {@code directory}, for one run. */
  public static String tempDirectory(String directory, String runId) {
    return FileSystems.matchNewResource(directory, true)
        .resolve(".temp-beam-etl-" + runId.replaceAll("[^A-Za-z0-9_.-]", "_"), StandardResolveOptions.RESOLVE_DIRECTORY)
        .toString();
  }

  /**
   * Renames each temporary file to its final name, in the order of the keys (e.g. the input each
   * was written from, so names are stable from run to run); returns the final names.
   */
  public static List<String> finish(List<KV<String, String>> keyedTempFiles, String directory, String tempDirectory, String extension)
      throws IOException {
    List<KV<String, String>> sorted = new ArrayList<>(keyedTempFiles);
    sorted.sort((a, b) -> a.getKey().compareTo(b.getKey()));
    ResourceId dir = FileSystems.matchNewResource(directory, true);
    List<ResourceId> sources = new ArrayList<>();
    List<ResourceId> targets = new ArrayList<>();
    int n = sorted.size();
    for (int i = 0; i < n; i++) {
      sources.add(FileSystems.matchNewResource(sorted.get(i).getValue(), false));
      String name = String.format(Locale.ROOT, "part-%05d-of-%05d.%s", i, n, extension);
      targets.add(dir.resolve(name, StandardResolveOptions.RESOLVE_FILE));
    }
    FileSystems.rename(sources, targets);
    List<ResourceId> stale = new ArrayList<>();
    for (MatchResult.Metadata m : FileSystems.match(dir + "part-*-of-*." + extension, EmptyMatchTreatment.ALLOW).metadata()) {
      if (!targets.contains(m.resourceId())) {
        stale.add(m.resourceId());
      }
    }
    if (!stale.isEmpty()) {
      FileSystems.delete(stale, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      LOG.info("deleted {} part files of an earlier run under {}", stale.size(), directory);
    }
    List<ResourceId> leftovers = new ArrayList<>();
    MatchResult match = FileSystems.match(tempDirectory + "*", EmptyMatchTreatment.ALLOW);
    for (MatchResult.Metadata m : match.metadata()) {
      leftovers.add(m.resourceId());
    }
    FileSystems.delete(leftovers, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    try {
      // Local file systems keep the empty directory; object stores have none to remove.
      FileSystems.delete(List.of(FileSystems.matchNewResource(tempDirectory, true)), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      LOG.debug("temporary directory {} not removed: {}", tempDirectory, e.toString());
    }
    LOG.info("wrote {} files under {}", n, directory);
    return targets.stream().map(ResourceId::toString).toList();
  }
}
