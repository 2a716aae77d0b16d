package dev.beametl.pipelines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line's defaults for real runs, which differ from Beam's test-oriented ones: the
 * DirectRunner's immutability and encodability checks are off (they catch pipeline bugs, and
 * double or triple the CPU time of a run). One option turns each back on, e.g.
 * {@code --enforceImmutability=true}. On Spark, what the runner keeps of a step with two outputs
 * is kept serialized and may spill to disk ({@code --storageLevel=MEMORY_AND_DISK_SER}, not
 * Beam's {@code MEMORY_ONLY} objects): loan-filter on 1M rows, Spark local[2], 3 pairs: peak
 * memory 3.7 -> 2.6 GB, CPU 42.3 -> 39.4 s, wall 36.8 -> 34.6 s (medians). Only {@link
 * BeamEtl#main} applies them: the tests build their options themselves and keep Beam's defaults.
 *
 * <p>loan-filter on Spark also reads a collection with two consumers again for each ({@code
 * --cacheDisabled=true}) instead of caching it: its rows/rejects split comes right after a shuffle
 * (the counting rule, {@code WithRejects.split}), so each side re-reads that shuffle's files and
 * decodes only its own, where the cache made one pass write every row into the block store and a
 * second pass read it back. 1M rows, Spark local[2], 3 interleaved pairs (medians): wall 46.8 ->
 * 43.9 s, CPU 65.8 -> 60.3 s, peak memory 4.5 -> 3.3 GB. Not the other pipelines: taxi-staging's
 * fork carries file names, not rows (no change), and taxi-gold's small forks cost more to re-read
 * than to keep (wall 1.07x, 4 pairs). Steps with two outputs stay persisted either way (Beam does it
 * whatever this option says).
 */
final class RealRunDefaults {
  static final List<String> DIRECT_RUNNER_CHECKS = List.of("enforceImmutability", "enforceEncodability");
  static final String SPARK_STORAGE_LEVEL = "MEMORY_AND_DISK_SER";

  private RealRunDefaults() {}

  /** {@code args} ({@code <pipeline> --option=value ...}) with the real-run defaults of its runner, where not given. */
  static String[] apply(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      return args;
    }
    List<String> all = new ArrayList<>(Arrays.asList(args));
    String runner = runner(args);
    if (runner.equalsIgnoreCase("Direct")) {
      DIRECT_RUNNER_CHECKS.forEach(check -> addUnlessGiven(all, check, "false"));
    } else if (runner.equalsIgnoreCase("Spark")) {
      addUnlessGiven(all, "storageLevel", SPARK_STORAGE_LEVEL);
      if (args[0].equals(LoanFilter.NAME)) {
        addUnlessGiven(all, "cacheDisabled", "true");
      }
    }
    return all.toArray(String[]::new);
  }

  private static void addUnlessGiven(List<String> args, String option, String value) {
    if (args.stream().noneMatch(a -> a.equals("--" + option) || a.startsWith("--" + option + "="))) {
      args.add("--" + option + "=" + value);
    }
  }

  /** The runner's name without "Runner" (the last --runner given; the DirectRunner is Beam's default). */
  private static String runner(String[] args) {
    return Arrays.stream(args)
        .filter(a -> a.startsWith("--runner="))
        .reduce((first, last) -> last)
        .map(a -> a.substring("--runner=".length()).replaceFirst("Runner$", ""))
        .orElse("Direct");
  }
}
