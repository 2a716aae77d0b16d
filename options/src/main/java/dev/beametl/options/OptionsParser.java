package dev.beametl.options;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Parses and validates command-line arguments into a pipeline's options, as the CLI and the EMR
 * launcher both do. Enum values are accepted in any case ({@code --afterLoad=archive}), as the
 * documentation writes them, although Beam itself only takes the constant's exact name.
 */
public final class OptionsParser {
  private static final Pattern UNKNOWN_PROPERTY = Pattern.compile("missing a property named '([^']+)'");

  private OptionsParser() {}

  /**
   * @throws IllegalArgumentException naming the option, for an unknown option, a missing required
   *     one or a value of the wrong type
   */
  public static <T extends PipelineOptions> T parse(Class<T> optionsClass, String[] args) {
    String[] normalized = normalizeEnums(optionsClass, args);
    try {
      return PipelineOptionsFactory.fromArgs(normalized).withValidation().as(optionsClass);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(explain(optionsClass, normalized, e), e);
    }
  }

  /** Beam's messages do not always name the option at fault; find it and say so. */
  private static String explain(Class<? extends PipelineOptions> optionsClass, String[] args, IllegalArgumentException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    Matcher unknown = UNKNOWN_PROPERTY.matcher(message);
    if (unknown.find()) {
      return "unknown option --" + unknown.group(1);
    }
    for (String arg : args) {
      try {
        PipelineOptionsFactory.fromArgs(arg).as(optionsClass);
      } catch (IllegalArgumentException single) {
        return "invalid value " + arg + ": " + message;
      }
    }
    return message;
  }

  /** The args with every enum value spelled as its constant, whatever case it was given in. */
  public static String[] normalizeEnums(Class<?> optionsClass, String[] args) {
    String[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      String arg = out[i];
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        continue;
      }
      Class<?> type = propertyType(optionsClass, arg.substring(2, eq));
      if (type != null && type.isEnum()) {
        String value = arg.substring(eq + 1);
        for (Object constant : type.getEnumConstants()) {
          if (((Enum<?>) constant).name().equalsIgnoreCase(value)) {
            out[i] = arg.substring(0, eq + 1) + ((Enum<?>) constant).name();
          }
        }
      }
    }
    return out;
  }

  private static Class<?> propertyType(Class<?> optionsClass, String property) {
    for (Method m : optionsClass.getMethods()) {
      String name = m.getName();
      if (m.getParameterCount() == 0 && name.startsWith("get")
          && Introspector.decapitalize(name.substring(3)).equals(property)) {
        return m.getReturnType();
      }
    }
    return null;
  }
}
