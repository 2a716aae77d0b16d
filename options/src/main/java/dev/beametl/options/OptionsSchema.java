package dev.beametl.options;

import java.beans.Introspector;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * The options an options interface takes, found once by walking it and its parents: the one walk
 * the parser, {@code --help} and the EMR launcher share. Options are listed most specific
 * interface first, each interface's options by name.
 */
public final class OptionsSchema {
  private static final String OWN_PACKAGE = "dev.beametl.options";

  /** One option: its name as written after {@code --}, and the getter that declares it. */
  public record Option(String name, Method getter) {
    public Class<?> type() {
      return getter.getReturnType();
    }

    /** Declared by beam-etl's own options interfaces, not by Beam or a runner. */
    public boolean isOwn() {
      return getter.getDeclaringClass().getPackageName().equals(OWN_PACKAGE);
    }

    public boolean isRequired() {
      return getter.isAnnotationPresent(Validation.Required.class) && !hasDefault();
    }

    public Optional<String> description() {
      return Optional.ofNullable(getter.getAnnotation(Description.class)).map(Description::value);
    }

    /** The value Beam uses when the option is not given, as a user would write it; empty if none or computed. */
    public Optional<String> defaultText() {
      for (Annotation a : getter.getAnnotations()) {
        if (a instanceof Default.String s) {
          return Optional.of(s.value());
        } else if (a instanceof Default.Integer i) {
          return Optional.of(String.valueOf(i.value()));
        } else if (a instanceof Default.Long l) {
          return Optional.of(String.valueOf(l.value()));
        } else if (a instanceof Default.Double d) {
          return Optional.of(String.valueOf(d.value()));
        } else if (a instanceof Default.Boolean b) {
          return Optional.of(String.valueOf(b.value()));
        } else if (a instanceof Default.Enum e) {
          return Optional.of(enumConstant(e.value()).map(Option::spelled).orElse(e.value()));
        }
      }
      return Optional.empty();
    }

    /** An enum option's values as the documentation writes them (lower case); empty for other types. */
    public List<String> enumValues() {
      return enumConstants().stream().map(Option::spelled).toList();
    }

    /**
     * The enum constant {@code value} names in any case ({@code archive} for {@code ARCHIVE}): the
     * documentation writes them in lower case, Beam itself only takes the exact name. Empty when
     * it names none, or the option is no enum.
     */
    public Optional<Enum<?>> enumConstant(String value) {
      return enumConstants().stream().filter(c -> c.name().equalsIgnoreCase(value)).findFirst();
    }

    /** An enum constant as the documentation and messages write it. */
    public static String spelled(Enum<?> constant) {
      return constant.name().toLowerCase(Locale.ROOT);
    }

    private List<Enum<?>> enumConstants() {
      return type().isEnum() ? Arrays.stream(type().getEnumConstants()).<Enum<?>>map(c -> (Enum<?>) c).toList() : List.of();
    }

    private boolean hasDefault() {
      return Arrays.stream(getter.getAnnotations()).anyMatch(a -> a.annotationType().getEnclosingClass() == Default.class);
    }
  }

  private final Map<String, Option> options;

  private OptionsSchema(Map<String, Option> options) {
    this.options = options;
  }

  public static OptionsSchema of(Class<? extends PipelineOptions> iface) {
    return of(List.of(iface));
  }

  /** The options of several interfaces together; the first to declare a name wins. */
  public static OptionsSchema of(Collection<Class<? extends PipelineOptions>> interfaces) {
    Set<Class<?>> hierarchy = new LinkedHashSet<>();
    interfaces.forEach(i -> collect(i, hierarchy));
    Map<String, Option> options = new LinkedHashMap<>();
    for (Class<?> iface : hierarchy) {
      // The JVM does not promise declaration order: sort, so that --help and messages are stable.
      for (Method m : Arrays.stream(iface.getDeclaredMethods()).sorted(Comparator.comparing(Method::getName)).toList()) {
        String name = propertyName(m);
        if (name != null) {
          options.putIfAbsent(name, new Option(name, m));
        }
      }
    }
    return new OptionsSchema(options);
  }

  public List<Option> options() {
    return List.copyOf(options.values());
  }

  public Optional<Option> find(String name) {
    return Optional.ofNullable(options.get(name));
  }

  public Set<String> names() {
    return options.keySet();
  }

  /**
   * {@code " (did you mean --x?)"} for a near miss among these options: the same name in another
   * case, or at most two edits away; empty when nothing is close.
   */
  public String suggestion(String name) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : options.keySet()) {
      int d = candidate.equalsIgnoreCase(name) ? 0 : distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean --" + best + "?)";
  }

  private static void collect(Class<?> iface, Set<Class<?>> seen) {
    if (seen.add(iface)) {
      for (Class<?> parent : iface.getInterfaces()) {
        collect(parent, seen);
      }
    }
  }

  private static String propertyName(Method m) {
    if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.isDefault() || m.isSynthetic()) {
      return null;
    }
    String n = m.getName();
    if (n.startsWith("get") && n.length() > 3) {
      return Introspector.decapitalize(n.substring(3));
    }
    if (n.startsWith("is") && n.length() > 2 && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
      return Introspector.decapitalize(n.substring(2));
    }
    return null;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
