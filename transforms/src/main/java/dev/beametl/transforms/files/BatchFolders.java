package dev.beametl.transforms.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw output that a scraper drops in batch folders, {@code <root>/array_<n>/<yyyyMMddHHmmss>/}
 * (one folder per array job and run). The folders and their files are listed once, when a run
 * starts: the run reads exactly those files and, after its output is durable, keeps, archives or
 * deletes exactly those (a file that lands mid-run waits for the next run). Archiving keeps the
 * layout: {@code <archiveTo>/array_<n>/<yyyyMMddHHmmss>/<file>}.
 */
public final class BatchFolders {
  private static final Logger LOG = LoggerFactory.getLogger(BatchFolders.class);
  private static final Pattern BATCH_FILE = Pattern.compile("(array_\\d+)/(\\d{14})/([^/]+)");

  /** One batch folder: its path relative to the root ({@code array_3/20220501120000}) and its files. */
  public record Batch(String relative, List<String> files) {}

  private final String root;
  private final String suffix;

  private BatchFolders(String root, String suffix) {
    this.root = withoutSlash(root);
    this.suffix = suffix;
  }

  /**
   * Batch folders under {@code root} holding files whose names end in {@code suffix} (e.g.
   * {@code .parquet}). A local root is made absolute, as listed paths are.
   */
  public static BatchFolders under(String root, String suffix) {
    return new BatchFolders(FileSystems.matchNewResource(root, true).toString(), suffix);
  }

  /**
   * Every batch folder with at least one data file, sorted (oldest batch of each array first).
   * Other files and folders under {@code array_*} are logged and left alone; so are hidden files
   * ({@code .} or {@code _} first).
   */
  public List<Batch> list() {
    String pattern = root + "/array_*/*/*";
    Map<String, List<String>> batches = new TreeMap<>();
    List<String> ignored = new ArrayList<>();
    try {
      MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
      for (MatchResult.Metadata m : match.metadata()) {
        if (m.resourceId().isDirectory()) {
          continue;
        }
        String path = m.resourceId().toString();
        String relative = relativeTo(path);
        Matcher batch = relative == null ? null : BATCH_FILE.matcher(relative);
        if (batch == null || !batch.matches()) {
          ignored.add(path);
          continue;
        }
        String name = batch.group(3);
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        if (!name.endsWith(suffix)) {
          ignored.add(path);
          continue;
        }
        batches.computeIfAbsent(batch.group(1) + "/" + batch.group(2), k -> new ArrayList<>()).add(path);
      }
    } catch (FileNotFoundException e) {
      // No match at all.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list batch folders under " + root, e);
    }
    if (!ignored.isEmpty()) {
      LOG.warn("{} file(s) under {} are not <array_n>/<yyyyMMddHHmmss>/*{} and are left alone, e.g. {}", ignored.size(), root, suffix, ignored.get(0));
    }
    List<Batch> result = new ArrayList<>();
    batches.forEach((relative, files) -> result.add(new Batch(relative, files.stream().sorted().toList())));
    return result;
  }

  /** All files of the batches, in batch order. */
  public static List<String> files(List<Batch> batches) {
    return batches.stream().flatMap(b -> b.files().stream()).toList();
  }

  /**
   * @throws IllegalArgumentException before anything runs, when archiving has no destination or
   *     would archive into the folders it reads
   */
  public void checkAfterLoad(AfterLoad afterLoad, @Nullable String archiveTo) {
    if (afterLoad != AfterLoad.ARCHIVE) {
      return;
    }
    if (archiveTo == null || archiveTo.isBlank()) {
      throw new IllegalArgumentException("--afterLoad=archive needs --archiveTo=<prefix>");
    }
    if (withoutSlash(FileSystems.matchNewResource(archiveTo, true).toString()).equals(root)) {
      throw new IllegalArgumentException("--archiveTo must differ from the input root " + root);
    }
  }

  /**
   * Applies the policy to the listed batches. Missing files are skipped, so an interrupted clean-up
   * can simply run again. Local batch folders left empty are removed.
   *
   * @return the archive folders the batches went to (empty for keep and delete)
   */
  public List<String> afterLoad(List<Batch> batches, AfterLoad afterLoad, @Nullable String archiveTo) throws IOException {
    checkAfterLoad(afterLoad, archiveTo);
    if (afterLoad == AfterLoad.KEEP || batches.isEmpty()) {
      return List.of();
    }
    List<ResourceId> sources = new ArrayList<>();
    List<ResourceId> targets = new ArrayList<>();
    List<String> archived = new ArrayList<>();
    ResourceId archive = afterLoad == AfterLoad.ARCHIVE ? FileSystems.matchNewResource(archiveTo, true) : null;
    for (Batch batch : batches) {
      ResourceId folder = null;
      if (archive != null) {
        folder = archive.resolve(batch.relative(), StandardResolveOptions.RESOLVE_DIRECTORY);
        archived.add(folder.toString());
      }
      for (String file : batch.files()) {
        ResourceId source = FileSystems.matchNewResource(file, false);
        sources.add(source);
        if (folder != null) {
          targets.add(folder.resolve(source.getFilename(), StandardResolveOptions.RESOLVE_FILE));
        }
      }
    }
    if (archive != null) {
      refuseToOverwrite(sources, targets);
      if ("file".equals(archive.getScheme())) {
        for (ResourceId target : targets) {
          Files.createDirectories(Paths.get(target.getCurrentDirectory().toString()));
        }
      }
      FileSystems.rename(sources, targets, StandardMoveOptions.IGNORE_MISSING_FILES);
      LOG.info("archived {} files of {} batch folders under {}", sources.size(), batches.size(), archive);
    } else {
      FileSystems.delete(sources, StandardMoveOptions.IGNORE_MISSING_FILES);
      LOG.info("deleted {} files of {} batch folders under {}", sources.size(), batches.size(), root);
    }
    removeEmptyLocalFolders(batches);
    return archived;
  }

  /**
   * An archive never overwrites: a file already archived under the same name stays, and nothing
   * moves. A source already gone (moved by an interrupted earlier clean-up) is not a clash.
   */
  private static void refuseToOverwrite(List<ResourceId> sources, List<ResourceId> targets) throws IOException {
    List<MatchResult> from = FileSystems.match(sources.stream().map(ResourceId::toString).toList(), EmptyMatchTreatment.ALLOW);
    List<MatchResult> to = FileSystems.match(targets.stream().map(ResourceId::toString).toList(), EmptyMatchTreatment.ALLOW);
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      if (exists(from.get(i)) && exists(to.get(i))) {
        taken.add(targets.get(i).toString());
      }
    }
    if (!taken.isEmpty()) {
      throw new IOException("refusing to archive: " + taken + " already exist and are never overwritten; nothing was moved");
    }
  }

  private static boolean exists(MatchResult match) throws IOException {
    return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
  }

  /** Object stores have no folders; local ones would pile up empty, so remove those left empty. */
  private void removeEmptyLocalFolders(List<Batch> batches) throws IOException {
    if (!"file".equals(FileSystems.matchNewResource(root, true).getScheme())) {
      return;
    }
    for (Batch batch : batches) {
      Path folder = Paths.get(FileSystems.matchNewResource(batch.files().get(0), false).getCurrentDirectory().toString());
      try {
        Files.deleteIfExists(folder);
      } catch (DirectoryNotEmptyException e) {
        LOG.info("{} is not empty (new or unlisted files); left in place", folder);
      }
    }
  }

  private static String withoutSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private @Nullable String relativeTo(String path) {
    String prefix = root + "/";
    return path.startsWith(prefix) ? path.substring(prefix.length()) : null;
  }
}
