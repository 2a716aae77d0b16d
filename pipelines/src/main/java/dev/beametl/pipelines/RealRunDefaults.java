package dev.beametl.pipelines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line's defaults for real runs, which differ from Beam's test-oriented ones: the
 * DirectRunner's immutability and encodability checks are off (they catch pipeline bugs, and
 * double or triple the CPU time of a run). One option turns each back on, e.g.
 * {@code --enforceImmutability=true}. Only {@link BeamEtl#main} applies them: the tests build
 * their options themselves and keep the checks on.
 */
final class RealRunDefaults {
  static final List<String> DIRECT_RUNNER_CHECKS = List.of("enforceImmutability", "enforceEncodability");

  private RealRunDefaults() {}

  /** {@code args} ({@code <pipeline> --option=value ...}) with the checks off unless given. */
  static String[] apply(String[] args) {
    if (args.length == 0 || args[0].startsWith("-") || !onDirectRunner(args)) {
      return args;
    }
    List<String> all = new ArrayList<>(Arrays.asList(args));
    for (String check : DIRECT_RUNNER_CHECKS) {
      if (Arrays.stream(args).noneMatch(a -> a.equals("--" + check) || a.startsWith("--" + check + "="))) {
        all.add("--" + check + "=false");
      }
    }
    return all.toArray(String[]::new);
  }

  /** The DirectRunner is Beam's default runner; any other named runner has no such checks. */
  private static boolean onDirectRunner(String[] args) {
    return Arrays.stream(args)
        .filter(a -> a.startsWith("--runner="))
        .reduce((first, last) -> last)
        .map(a -> a.substring("--runner=".length()).replaceFirst("Runner$", "").equalsIgnoreCase("Direct"))
        .orElse(true);
  }
}
