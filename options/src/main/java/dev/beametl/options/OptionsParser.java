package dev.beametl.options;

import dev.beametl.options.OptionsSchema.Option;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Parses and checks a pipeline's arguments, the one way the CLI and the EMR launcher both do:
 * unknown options (with a suggestion), options named like a password, values that do not parse as
 * the option's type, missing required options, then the pipeline's {@link OptionsRules}. Every
 * problem is reported at once, one line each, in the CLI's words (no Java class names).
 *
 * <p>Enum values are accepted in any case ({@code --afterLoad=archive}), as the documentation writes
 * them, although Beam itself only takes the constant's exact name. Beam's own check of option names
 * is not relied on: it accepts the options of any interface registered earlier in the same JVM
 * (another pipeline's, in a warm Lambda), which the pipeline would not take.
 */
public final class OptionsParser {
  private static final String OWN_PACKAGES = "dev.beametl.";

  private OptionsParser() {}

  /**
   * As the CLI parses: the pipeline's options and those of the runners on the classpath (e.g.
   * {@code --sparkMaster}, {@code --enforceImmutability}).
   *
   * @throws InvalidOptionsException naming every problem
   */
  public static EtlOptions parse(PipelineCatalog.Entry entry, String[] args) {
    return parse(entry, args, runnerOptions());
  }

  /**
   * As {@link #parse(PipelineCatalog.Entry, String[])}, accepting besides the pipeline's options
   * only those of {@code alsoAccepted}.
   *
   * @throws InvalidOptionsException naming every problem
   */
  public static EtlOptions parse(
      PipelineCatalog.Entry entry, String[] args, Collection<Class<? extends PipelineOptions>> alsoAccepted) {
    OptionsSchema own = entry.schema();
    OptionsSchema accepted =
        OptionsSchema.of(Stream.concat(Stream.of(entry.optionsClass()), alsoAccepted.stream()).toList());
    List<String> problems = new ArrayList<>();
    List<String> parsed = new ArrayList<>();
    Set<String> given = new HashSet<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || arg.length() == 2 || eq == 2) {
        problems.add("'" + arg + "' is not an option: write options as --name=value");
        continue;
      }
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      // Beam's rule: a bare --flag means true.
      String value = eq < 0 ? "true" : arg.substring(eq + 1);
      given.add(name);
      Optional<Option> option = accepted.find(name);
      if (PipelineRules.isPasswordOption(name)) {
        problems.add("option --" + name + ": " + PipelineRules.PASSWORD_ADVICE);
      } else if (option.isEmpty()) {
        problems.add("unknown option --" + name + accepted.suggestion(name));
      } else {
        checkValue(entry, option.get(), value).ifPresentOrElse(problems::add, () -> parsed.add("--" + name + "=" + spelled(option.get(), value)));
      }
    }
    for (Option option : own.options()) {
      if (entry.isRequired(option) && !given.contains(option.name())) {
        problems.add("missing required option --" + option.name() + option.description().map(d -> " (" + d + ")").orElse(""));
      }
    }
    EtlOptions options;
    try {
      alsoAccepted.forEach(PipelineOptionsFactory::register);
      options = PipelineOptionsFactory.fromArgs(parsed.toArray(String[]::new)).as(entry.optionsClass());
    } catch (IllegalArgumentException e) {
      // Only what the checks above cannot see, such as an option given twice.
      problems.add(firstLine(e));
      throw new InvalidOptionsException(problems);
    }
    options.setAppName(entry.name());
    // Rules run on what did parse (a bad value left at its default), so all problems show at once.
    PipelineRules.common(entry.optionsClass(), options, problems);
    entry.rules().check(options, problems);
    if (!problems.isEmpty()) {
      throw new InvalidOptionsException(problems);
    }
    return options;
  }

  /** The runners' options on the classpath, without beam-etl's own interfaces (only the pipeline's count). */
  private static List<Class<? extends PipelineOptions>> runnerOptions() {
    return PipelineOptionsFactory.getRegisteredOptions().stream()
        .filter(i -> !i.getName().startsWith(OWN_PACKAGES))
        .toList();
  }

  /** Why the value cannot be the option's, or empty when it can. */
  private static Optional<String> checkValue(PipelineCatalog.Entry entry, Option option, String value) {
    if (option.type().isEnum()) {
      List<String> accepted = entry.acceptedValues(option);
      return option.enumConstant(value).map(Option::spelled).filter(accepted::contains).isPresent()
          ? Optional.empty()
          : Optional.of("option --" + option.name() + ": '" + value + "' is not one of " + String.join(", ", accepted));
    }
    @SuppressWarnings("unchecked")
    Class<? extends PipelineOptions> declaring = (Class<? extends PipelineOptions>) option.getter().getDeclaringClass();
    try {
      PipelineOptionsFactory.fromArgs("--" + option.name() + "=" + value).as(declaring);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      Class<?> type = option.type();
      boolean simple = type.isPrimitive() || Number.class.isAssignableFrom(type) || type == Boolean.class;
      return Optional.of("option --" + option.name() + ": '" + value + "' "
          + (simple ? "is not a valid " + type.getSimpleName().toLowerCase(Locale.ROOT) : "cannot be read as " + type.getSimpleName() + ": " + firstLine(e)));
    }
  }

  /** An enum value spelled as its constant, as Beam takes it, whatever case it was given in; other values as given. */
  private static String spelled(Option option, String value) {
    return option.enumConstant(value).map(Enum::name).orElse(value);
  }

  private static String firstLine(IllegalArgumentException e) {
    return e.getMessage() == null ? "invalid arguments" : e.getMessage().lines().findFirst().orElse("").trim();
  }
}
