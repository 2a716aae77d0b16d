package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.OptionsSchema;
import dev.beametl.options.PipelineCatalog;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code <pipeline> --help}: the pipeline's own options (those declared in beam-etl's options
 * interfaces), required ones first, with descriptions, the defaults the run really uses, and an
 * example input for that pipeline. Beam's own printout would bury them under a hundred runner
 * options.
 */
final class OptionsHelp {
  private static final String INDENT = "      ";
  private static final int WIDTH = 94;

  private OptionsHelp() {}

  static void print(PipelineCatalog.Entry entry, PrintStream out) {
    List<OptionsSchema.Option> own = entry.schema().options().stream().filter(OptionsSchema.Option::isOwn).toList();
    List<OptionsSchema.Option> required = own.stream().filter(entry::isRequired).toList();
    out.println("beam-etl " + entry.name() + ": " + entry.summary());
    out.println();
    out.println("usage: beam-etl " + entry.name() + " "
        + required.stream().map(o -> "--" + o.name() + "=<" + typeName(entry, o) + ">").collect(Collectors.joining(" "))
        + " [--option=value ...]");
    out.println();
    out.println("required options:");
    required.forEach(o -> print(entry, o, out));
    out.println();
    out.println("options:");
    own.stream().filter(o -> !entry.isRequired(o) && !isShared(o)).forEach(o -> print(entry, o, out));
    out.println();
    out.println("options of every pipeline:");
    own.stream().filter(o -> !entry.isRequired(o) && isShared(o)).forEach(o -> print(entry, o, out));
    out.println();
    out.println("Also accepted: --runner=DirectRunner|SparkRunner, --sparkMaster=local[N], --awsRegion, --endpoint, and Beam's other options.");
  }

  private static void print(PipelineCatalog.Entry entry, OptionsSchema.Option option, PrintStream out) {
    out.printf("  --%s=<%s>%s%n", option.name(), typeName(entry, option), entry.isRequired(option) ? "  (required)" : "");
    option.description().ifPresent(d -> wrap(d).forEach(line -> out.println(INDENT + line)));
    if (option.name().equals("input")) {
      out.println(INDENT + "e.g. " + entry.exampleInput());
    }
    entry.defaultOf(option).ifPresent(d -> out.println(INDENT + "default: " + d));
  }

  /** Declared by the options every pipeline has (run id, rejects, report, S3 access). */
  private static boolean isShared(OptionsSchema.Option option) {
    return option.getter().getDeclaringClass().isAssignableFrom(EtlOptions.class);
  }

  /** The text in lines of at most {@link #WIDTH} characters, broken at spaces. */
  private static List<String> wrap(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** An enum's values (for --outputFormat only those this pipeline writes), else the Java type's short name. */
  private static String typeName(PipelineCatalog.Entry entry, OptionsSchema.Option option) {
    return option.type().isEnum() ? String.join("|", entry.acceptedValues(option)) : option.type().getSimpleName();
  }
}
