package dev.beametl.transforms.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a file pipeline commits its output: the pipeline writes into a directory private to
 * the run, {@code <output>/.beam-etl-staging/<runId>/}, with the layout the output will have; only
 * after the run passed its gates does {@link #publishReplacing} or {@link #publishAdding} move those
 * files to their final names. A failed, killed or gated run leaves the output as it was; its staged
 * files are removed by {@link #discard} (the run) or {@link #discardAbandoned} (the next run, which
 * holds the output's {@link OutputLease}, so no other run is writing there).
 *
 * <p>Names starting with {@code .} or {@code _} are not output (staging, leases, manifests,
 * {@code _SUCCESS}): readers that follow the Hive convention (Spark, Athena, Glue) skip them.
 *
 * <p>Limit: a publish is a rename per file (a copy then a delete on S3), not one atomic switch: a
 * reader listing the directory during the publish itself may see part of the new files.
 */
public final class StagedOutput {
  private static final Logger LOG = LoggerFactory.getLogger(StagedOutput.class);
  public static final String STAGING = ".beam-etl-staging";

  private final String output;
  private final String staging;
  private final @Nullable String runTag;

  private StagedOutput(String output, String staging, @Nullable String runTag) {
    this.output = output;
    this.staging = staging;
    this.runTag = runTag;
  }

  /** The staging of run {@code runId} into {@code output} (a directory or prefix). */
  public static StagedOutput of(String output, String runId) {
    String root = directory(output);
    return new StagedOutput(root, root + STAGING + "/" + fileSafe(runId) + "/", null);
  }

  /**
   * Publishes {@code part-X} as {@code part-<runId>-X}: the files of runs that each add to the
   * output (see {@link #isOfRun}) never collide, and a later run can replace one run's files.
   */
  public StagedOutput taggingFilesWithRun(String runId) {
    return new StagedOutput(output, staging, fileSafe(runId));
  }

  /** The published name of a staged file (its path relative to the staging directory). */
  private String finalName(String relative) {
    if (runTag == null || !relative.startsWith("part-") || relative.contains("/")) {
      return relative;
    }
    return "part-" + runTag + "-" + relative.substring("part-".length());
  }

  /** Whether {@code fileName} was published by {@link #taggingFilesWithRun} for run {@code runId}. */
  public static boolean isOfRun(String fileName, String runId) {
    // The whole shape, not a prefix: run "r1" must not claim the files of run "r1-b".
    return fileName.matches("part-" + Pattern.quote(fileSafe(runId)) + "-\\d+-of-\\d+(\\.[A-Za-z0-9]+)?");
  }

  static String fileSafe(String runId) {
    return runId.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /** The final output directory, ending in {@code /}. */
  public String output() {
    return output;
  }

  /** Where the pipeline writes: this run's private directory, ending in {@code /}. */
  public String directory() {
    return staging;
  }

  /**
   * Moves every staged file to its final name and then deletes the output's earlier {@code part-*}
   * files at the top level that this run did not write, except those whose name {@code keep}
   * accepts: the directory then holds this run's output (plus what it kept). Returns the final paths.
   */
  public List<String> publishReplacing(Predicate<String> keep) throws IOException {
    List<ResourceId> published = publish();
    Set<ResourceId> fresh = new HashSet<>(published);
    List<ResourceId> stale = new ArrayList<>();
    for (MatchResult.Metadata m : match(output + "part-*")) {
      String name = m.resourceId().getFilename();
      if (!fresh.contains(m.resourceId()) && !m.resourceId().isDirectory() && !keep.test(name)) {
        stale.add(m.resourceId());
      }
    }
    FileSystems.delete(stale, StandardMoveOptions.IGNORE_MISSING_FILES);
    if (!stale.isEmpty()) {
      LOG.info("deleted {} files of earlier runs under {}", stale.size(), output);
    }
    return names(published);
  }

  /** Moves every staged file to its final name (same relative path), replacing a file of that name; deletes nothing else. */
  public List<String> publishAdding() throws IOException {
    return names(publish());
  }

  /** The staged files a publish moves, with their sizes: not the hidden ones, such as a retried bundle's temporary files. */
  public List<MatchResult.Metadata> files() throws IOException {
    List<MatchResult.Metadata> files = new ArrayList<>();
    for (MatchResult.Metadata m : match(staging + "**")) {
      if (!m.resourceId().isDirectory() && !hiddenPath(relative(m.resourceId()))) {
        files.add(m);
      }
    }
    return files;
  }

  private String relative(ResourceId staged) {
    return staged.toString().substring(staging.length());
  }

  private List<ResourceId> publish() throws IOException {
    List<ResourceId> sources = new ArrayList<>();
    List<ResourceId> targets = new ArrayList<>();
    for (MatchResult.Metadata m : files()) {
      sources.add(m.resourceId());
      targets.add(FileSystems.matchNewResource(output + finalName(relative(m.resourceId())), false));
    }
    if (isLocal()) {
      for (ResourceId target : targets) {
        Files.createDirectories(Paths.get(target.getCurrentDirectory().toString()));
      }
    }
    FileSystems.rename(sources, targets);
    LOG.info("published {} files under {}", targets.size(), output);
    discard();
    return targets;
  }

  /** Removes this run's staged files (the run failed, or they are published). */
  public void discard() throws IOException {
    deleteTree(staging);
    if (isLocal()) {
      // The staging root stays only while some run has files in it.
      try {
        Files.deleteIfExists(Paths.get(output + STAGING));
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        LOG.debug("{} still holds another run's staging", output + STAGING);
      }
    }
  }

  /** Removes what killed runs staged. Only while holding the output's lease: then no other run is staging. */
  public void discardAbandoned() throws IOException {
    List<MatchResult.Metadata> left = match(output + STAGING + "/**");
    if (!left.isEmpty()) {
      LOG.info("removing {} files staged by earlier runs that did not publish, under {}{}", left.size(), output, STAGING);
    }
    deleteTree(output + STAGING + "/");
  }

  private void deleteTree(String directory) throws IOException {
    if (isLocal()) {
      Path dir = Paths.get(directory);
      if (!Files.exists(dir)) {
        return;
      }
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      return;
    }
    // Object stores: a directory is only a prefix of its objects.
    List<ResourceId> files = match(directory + "**").stream().map(MatchResult.Metadata::resourceId).toList();
    FileSystems.delete(files, StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  private boolean isLocal() {
    return FileSystems.matchNewResource(output, true).getScheme().equals("file");
  }

  private static List<MatchResult.Metadata> match(String pattern) throws IOException {
    try {
      return FileSystems.match(pattern, EmptyMatchTreatment.ALLOW).metadata();
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }

  private static boolean hiddenPath(String relative) {
    for (String segment : relative.split("/")) {
      if (segment.startsWith(".") || segment.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> names(List<ResourceId> resources) {
    return resources.stream().map(ResourceId::toString).toList();
  }

  /** {@code path} as a directory ending in {@code /}, in Beam's spelling (absolute for local paths). */
  static String directory(String path) {
    try {
      return FileSystems.matchNewResource(path, true).toString();
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException("not a directory or prefix: " + path, e));
    }
  }
}
