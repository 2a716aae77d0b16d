package dev.beametl.launcher;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.OptionsParser;
import dev.beametl.options.PipelineCatalog;
import java.beans.Introspector;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;

/**
 * A request's {@code args}, checked against the pipeline's own options interface the way the
 * cluster's {@code beam-etl <pipeline>} will parse them, so a bad request fails here and not after
 * a cluster has been paid for.
 *
 * <p>An option is accepted if the pipeline's options interface (with its parents) declares it, or
 * it is one of {@link SparkTuningOptions}. Checked: unknown options (with a suggestion), values that
 * do not parse as the option's type, and missing required options. Every problem is reported, each
 * naming its option. Beam's own strict parsing is not used for the name check because it also
 * accepts options of any interface registered earlier in the same JVM (a warm Lambda), which the
 * cluster would reject.
 */
public record PipelineArgs(PipelineCatalog.Entry entry, String runId) {

  /** Set by the launcher itself: SparkRunner on EMR, and the master spark-submit gives. */
  private static final Map<String, String> RESERVED =
      Map.of(
          "runner", "the launcher always runs --runner=SparkRunner on EMR",
          "sparkMaster", "on EMR spark-submit runs the pipeline on YARN");

  public static PipelineArgs validate(String pipeline, Map<String, String> args) {
    PipelineCatalog.Entry entry =
        PipelineCatalog.find(pipeline)
            .orElseThrow(() -> new LaunchRequestException("unknown pipeline '" + pipeline + "' (known: "
                + PipelineCatalog.entries().stream().map(PipelineCatalog.Entry::name).collect(Collectors.joining(", ")) + ")"));
    Map<String, Method> pipelineOptions = getters(entry.optionsClass());
    Map<String, Method> sparkOptions = getters(SparkTuningOptions.class);
    List<String> problems = new ArrayList<>();
    Map<String, String> pipelineArgs = new LinkedHashMap<>();
    for (Map.Entry<String, String> arg : args.entrySet()) {
      String name = arg.getKey();
      if (RESERVED.containsKey(name)) {
        problems.add("option --" + name + " cannot be set in a launch request: " + RESERVED.get(name));
      } else if (pipelineOptions.containsKey(name)) {
        checkValue(entry.optionsClass(), pipelineOptions.get(name), name, arg.getValue(), problems);
        pipelineArgs.put(name, arg.getValue());
      } else if (sparkOptions.containsKey(name)) {
        checkValue(SparkTuningOptions.class, sparkOptions.get(name), name, arg.getValue(), problems);
      } else {
        problems.add("unknown option --" + name + " for pipeline '" + pipeline + "'" + suggestion(name, pipelineOptions.keySet(), sparkOptions.keySet()));
      }
    }
    problems.addAll(missingRequired(pipelineOptions, args.keySet()));
    if (!problems.isEmpty()) {
      throw new LaunchRequestException(problems.stream().map(p -> "pipeline '" + pipeline + "': " + p).toList());
    }
    EtlOptions options = PipelineOptionsFactory.fromArgs(OptionsParser.normalizeEnums(entry.optionsClass(), cli(pipelineArgs).toArray(String[]::new))).as(entry.optionsClass());
    options.setAppName(entry.name());
    return new PipelineArgs(entry, options.getRunId());
  }

  /** {@code --name=value} for each arg, in request order. */
  public static List<String> cli(Map<String, String> args) {
    return args.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
  }

  private static void checkValue(Class<? extends PipelineOptions> iface, Method getter, String name, String value, List<String> problems) {
    try {
      PipelineOptionsFactory.fromArgs(OptionsParser.normalizeEnums(iface, new String[] {"--" + name + "=" + value})).as(iface);
    } catch (IllegalArgumentException e) {
      Class<?> type = getter.getReturnType();
      String expected;
      if (type.isEnum()) {
        expected = "is not one of " + Arrays.stream(type.getEnumConstants()).map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
      } else if (type.isPrimitive() || Number.class.isAssignableFrom(type) || type == Boolean.class) {
        expected = "is not a valid " + type.getSimpleName().toLowerCase(Locale.ROOT);
      } else {
        expected = "cannot be read as " + type.getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse("");
      }
      problems.add("option --" + name + ": '" + value + "' " + expected);
    }
  }

  private static List<String> missingRequired(Map<String, Method> getters, Set<String> given) {
    List<String> problems = new ArrayList<>();
    Map<String, List<String>> groups = new TreeMap<>();
    for (Map.Entry<String, Method> e : getters.entrySet()) {
      Validation.Required required = e.getValue().getAnnotation(Validation.Required.class);
      if (required == null || hasDefault(e.getValue())) {
        continue;
      }
      if (required.groups().length == 0) {
        if (!given.contains(e.getKey())) {
          Description d = e.getValue().getAnnotation(Description.class);
          problems.add("missing required option --" + e.getKey() + (d == null ? "" : " (" + d.value() + ")"));
        }
      } else {
        for (String group : required.groups()) {
          groups.computeIfAbsent(group, g -> new ArrayList<>()).add(e.getKey());
        }
      }
    }
    groups.forEach((group, members) -> {
      if (members.stream().noneMatch(given::contains)) {
        problems.add("one of " + members.stream().map(m -> "--" + m).collect(Collectors.joining(", ")) + " is required");
      }
    });
    return problems;
  }

  private static boolean hasDefault(Method getter) {
    for (Annotation a : getter.getAnnotations()) {
      if (a.annotationType().getEnclosingClass() == Default.class) {
        return true;
      }
    }
    return false;
  }

  /** Property name to getter, over the interface and all its parents. */
  static Map<String, Method> getters(Class<?> options) {
    Map<String, Method> getters = new TreeMap<>();
    Set<Class<?>> seen = new LinkedHashSet<>();
    collect(options, seen);
    for (Class<?> iface : seen) {
      for (Method m : iface.getDeclaredMethods()) {
        String property = propertyName(m);
        if (property != null) {
          getters.putIfAbsent(property, m);
        }
      }
    }
    return getters;
  }

  private static void collect(Class<?> iface, Set<Class<?>> seen) {
    if (seen.add(iface)) {
      for (Class<?> parent : iface.getInterfaces()) {
        collect(parent, seen);
      }
    }
  }

  private static String propertyName(Method m) {
    if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
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

  /** " (did you mean --x?)" for a near miss: same letters in another case, or two edits away. */
  private static String suggestion(String name, Set<String> options, Set<String> more) {
    String best = null;
    int bestDistance = 3;
    for (Set<String> set : List.of(options, more)) {
      for (String candidate : set) {
        int d = candidate.equalsIgnoreCase(name) ? 0 : distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
        }
      }
    }
    return best == null ? "" : " (did you mean --" + best + "?)";
  }

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
