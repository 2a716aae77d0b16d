package dev.beametl.transforms.files;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of a run's listed inputs it reads: with {@code --incremental}, the new ones, the changed
 * ones (size or modification time differs from what the target recorded) and those forced by
 * {@code --reprocess}; the others are skipped. Without it, every input is read.
 */
public record IncrementalPlan(
    boolean incremental,
    List<InputFiles.Listed> toRead, List<String> fresh, List<String> changed, List<String> reprocessed, List<String> skipped) {

  /**
   * @param recorded what the target holds, by path, from its last successful runs
   * @param forced paths matched by {@code --reprocess}
   */
  public static IncrementalPlan of(List<InputFiles.Listed> listed, boolean incremental, Map<String, InputFiles.Listed> recorded, Set<String> forced) {
    List<InputFiles.Listed> toRead = new ArrayList<>();
    List<String> fresh = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> reprocessed = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (InputFiles.Listed file : listed) {
      InputFiles.Listed before = recorded.get(file.path());
      if (!incremental) {
        toRead.add(file);
        (before == null ? fresh : reprocessed).add(file.path());
      } else if (before == null) {
        toRead.add(file);
        fresh.add(file.path());
      } else if (before.sizeBytes() != file.sizeBytes() || before.lastModifiedMillis() != file.lastModifiedMillis()) {
        toRead.add(file);
        changed.add(file.path());
      } else if (forced.contains(file.path())) {
        toRead.add(file);
        reprocessed.add(file.path());
      } else {
        skipped.add(file.path());
      }
    }
    return new IncrementalPlan(incremental, List.copyOf(toRead), List.copyOf(fresh), List.copyOf(changed), List.copyOf(reprocessed), List.copyOf(skipped));
  }

  public List<String> paths() {
    return toRead.stream().map(InputFiles.Listed::path).toList();
  }

  /** e.g. {@code 2 new, 1 changed, 0 reprocessed, 30 skipped}. */
  public String summary() {
    return fresh.size() + " new, " + changed.size() + " changed, " + reprocessed.size() + " reprocessed, " + skipped.size() + " skipped";
  }
}
