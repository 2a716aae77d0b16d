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
 * attempts) is removed. The directory is a run's staging ({@link StagedOutput}): earlier runs'
 * files are replaced when the staging is published, not here.
 */
public final class FinalizeFiles {
  private static final Logger LOG = LoggerFactory.getLogger(FinalizeFiles.class);

  private FinalizeFiles() {}

  /**
   * The output file of one input: {@code part-<input name without extension>-<8 hex of its path>.<ext>},
   * stable from run to run; the hash keeps two inputs of the same name in different folders apart.
   */
  public static String nameFor(String input, String extension) {
    String name = FileSystems.matchNewResource(input, false).getFilename();
    int dot = name.lastIndexOf('.');
    String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9_.-]", "_");
    return String.format(Locale.ROOT, "part-%s-%08x.%s", stem, input.hashCode(), extension);
  }

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
    return finish(keyedTempFiles, directory, tempDirectory, extension, false);
  }

  /**
   * As {@link #finish}; with {@code namedAfterInputs}, each file is named after the input it was
   * written from ({@link #nameFor}), so a later run replaces exactly that input's file.
   */
  public static List<String> finish(
      List<KV<String, String>> keyedTempFiles, String directory, String tempDirectory, String extension, boolean namedAfterInputs)
      throws IOException {
    List<KV<String, String>> sorted = new ArrayList<>(keyedTempFiles);
    sorted.sort((a, b) -> a.getKey().compareTo(b.getKey()));
    ResourceId dir = FileSystems.matchNewResource(directory, true);
    List<ResourceId> sources = new ArrayList<>();
    List<ResourceId> targets = new ArrayList<>();
    int n = sorted.size();
    for (int i = 0; i < n; i++) {
      sources.add(FileSystems.matchNewResource(sorted.get(i).getValue(), false));
      String name =
          namedAfterInputs ? nameFor(sorted.get(i).getKey(), extension) : String.format(Locale.ROOT, "part-%05d-of-%05d.%s", i, n, extension);
      targets.add(dir.resolve(name, StandardResolveOptions.RESOLVE_FILE));
    }
    FileSystems.rename(sources, targets);
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
