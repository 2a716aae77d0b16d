package dev.beametl.options;

import java.util.List;

/**
 * A pipeline's rules across its options (e.g. {@code --afterLoad=archive} needs {@code --archiveTo}),
 * checked after every option parsed: by the CLI before the run, and by the EMR launcher before a
 * cluster exists.
 */
@FunctionalInterface
public interface OptionsRules {

  /** Adds one line per broken rule to {@code problems}, each naming the options at fault. */
  void check(EtlOptions options, List<String> problems);

  /** No rules beyond the options' own types. */
  OptionsRules NONE = (options, problems) -> {};
}
