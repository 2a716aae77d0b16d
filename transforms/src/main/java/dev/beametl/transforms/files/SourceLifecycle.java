package dev.beametl.transforms.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, archives or deletes a run's inputs. Called only after the run's output is durable (and
 * its report written), so a failed run leaves every input where it was.
 *
 * <p>An archive never overwrites: each run archives under a folder of its own,
 * {@code <archiveTo>/<runId>/<file name>}, and refuses (before loading, and again before moving)
 * when something is already there.
 */
public final class SourceLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(SourceLifecycle.class);

  private final AfterLoad afterLoad;
  private final @Nullable String archiveTo;
  private final String runId;

  private SourceLifecycle(AfterLoad afterLoad, @Nullable String archiveTo, String runId) {
    this.afterLoad = afterLoad;
    this.archiveTo = archiveTo;
    this.runId = runId;
  }

  /**
   * @param runId names the run's own archive folder under {@code archiveTo}
   * @throws IllegalArgumentException before anything runs, when archiving has no destination
   */
  public static SourceLifecycle of(AfterLoad afterLoad, @Nullable String archiveTo, String runId) {
    afterLoad.problemWith(archiveTo).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
    return new SourceLifecycle(afterLoad, archiveTo, runId);
  }

  /** Where this run archives its inputs: {@code <archiveTo>/<runId>/}. */
  public ResourceId archiveFolder() {
    return FileSystems.matchNewResource(archiveTo, true).resolve(runId, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /**
   * Checks, before the run, that archiving will neither make two inputs collide nor overwrite
   * anything already archived.
   */
  public void checkInputs(List<String> inputs) {
    if (afterLoad != AfterLoad.ARCHIVE) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (String input : inputs) {
      String name = FileSystems.matchNewResource(input, false).getFilename();
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "--afterLoad=archive: two inputs are named " + name + "; archive them in separate runs");
      }
    }
    try {
      List<String> taken = alreadyArchived(targets(sources(inputs)));
      if (!taken.isEmpty()) {
        throw new IllegalArgumentException(
            "--afterLoad=archive would overwrite " + taken + "; give this run another --runId or another --archiveTo");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("--archiveTo=" + archiveTo + " cannot be checked: " + e.getMessage(), e);
    }
  }

  /** Applies the policy; returns where the inputs went (the archive paths), empty for keep/delete. */
  public List<String> apply(List<String> inputs) throws IOException {
    List<ResourceId> sources = sources(inputs);
    switch (afterLoad) {
      case KEEP:
        return List.of();
      case DELETE:
        FileSystems.delete(sources, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
        LOG.info("deleted {} input files", sources.size());
        return List.of();
      case ARCHIVE:
        List<ResourceId> targets = targets(sources);
        // Checked again: something may have been archived there while this run loaded.
        List<String> taken = alreadyArchived(targets);
        if (!taken.isEmpty()) {
          throw new IOException("refusing to archive: " + taken + " already exist and are never overwritten; the inputs were left in place");
        }
        FileSystems.rename(sources, targets);
        LOG.info("archived {} input files under {}", sources.size(), archiveFolder());
        return targets.stream().map(ResourceId::toString).toList();
      default:
        throw new IllegalStateException(afterLoad.toString());
    }
  }

  private static List<ResourceId> sources(List<String> inputs) {
    return inputs.stream().map(f -> FileSystems.matchNewResource(f, false)).toList();
  }

  private List<ResourceId> targets(List<ResourceId> sources) {
    ResourceId dir = archiveFolder();
    List<ResourceId> targets = new ArrayList<>();
    for (ResourceId source : sources) {
      targets.add(dir.resolve(source.getFilename(), StandardResolveOptions.RESOLVE_FILE));
    }
    return targets;
  }

  private static List<String> alreadyArchived(List<ResourceId> targets) throws IOException {
    List<String> specs = targets.stream().map(ResourceId::toString).toList();
    List<MatchResult> matches = FileSystems.match(specs, EmptyMatchTreatment.ALLOW);
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      if (matches.get(i).status() == MatchResult.Status.OK && !matches.get(i).metadata().isEmpty()) {
        taken.add(specs.get(i));
      }
    }
    return taken;
  }
}
