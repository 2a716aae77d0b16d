package dev.beametl.transforms.files;

import dev.beametl.options.PipelineRules;
import dev.beametl.options.SourceLifecycleOptions.AfterLoad;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, archives or deletes a run's inputs. Called only after the run's output is durable, so a
 * failed run leaves every input where it was.
 */
public final class SourceLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(SourceLifecycle.class);

  private final AfterLoad afterLoad;
  private final @Nullable String archiveTo;

  private SourceLifecycle(AfterLoad afterLoad, @Nullable String archiveTo) {
    this.afterLoad = afterLoad;
    this.archiveTo = archiveTo;
  }

  /**
   * @throws IllegalArgumentException before anything runs, when archiving has no destination
   */
  public static SourceLifecycle of(AfterLoad afterLoad, @Nullable String archiveTo) {
    PipelineRules.archiveProblem(afterLoad, archiveTo).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
    return new SourceLifecycle(afterLoad, archiveTo);
  }

  /** Checks, before the run, that archiving will not make two inputs collide. */
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
  }

  /** Applies the policy; returns where the inputs went (the archive paths), empty for keep/delete. */
  public List<String> apply(List<String> inputs) throws IOException {
    List<ResourceId> sources = inputs.stream().map(f -> FileSystems.matchNewResource(f, false)).toList();
    switch (afterLoad) {
      case KEEP:
        return List.of();
      case DELETE:
        FileSystems.delete(sources, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
        LOG.info("deleted {} input files", sources.size());
        return List.of();
      case ARCHIVE:
        ResourceId dir = FileSystems.matchNewResource(archiveTo, true);
        List<ResourceId> targets = new ArrayList<>();
        for (ResourceId source : sources) {
          targets.add(dir.resolve(source.getFilename(), StandardResolveOptions.RESOLVE_FILE));
        }
        FileSystems.rename(sources, targets);
        LOG.info("archived {} input files under {}", sources.size(), dir);
        return targets.stream().map(ResourceId::toString).toList();
      default:
        throw new IllegalStateException(afterLoad.toString());
    }
  }
}
