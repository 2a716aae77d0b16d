package dev.beametl.pipelines;

import dev.beametl.options.PipelineCatalog;
import java.beans.Introspector;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/**
 * {@code <pipeline> --help}: the pipeline's own options (those declared in beam-etl's options
 * interfaces) with descriptions, defaults and whether they are required. Beam's own printout
 * would bury them under a hundred runner options.
 */
final class OptionsHelp {
  private static final String OWN_PACKAGE = "dev.beametl.options";

  private OptionsHelp() {}

  static void print(PipelineCatalog.Entry entry, PrintStream out) {
    out.println("beam-etl " + entry.name() + ": " + entry.summary());
    out.println();
    out.println("options:");
    for (Method getter : ownGetters(entry.optionsClass())) {
      String name = propertyName(getter);
      Description description = getter.getAnnotation(Description.class);
      String type = getter.getReturnType().isEnum()
          ? String.join("|", enumNames(getter.getReturnType()))
          : getter.getReturnType().getSimpleName();
      out.printf("  --%s=<%s>%s%n", name, type, getter.isAnnotationPresent(Validation.Required.class) ? "  (required)" : "");
      if (description != null) {
        out.println("      " + description.value());
      }
      String def = defaultOf(getter);
      if (def != null) {
        out.println("      default: " + def);
      }
    }
    out.println();
    out.println("Also accepted: --runner=DirectRunner|SparkRunner, --sparkMaster=local[N], --awsRegion, --endpoint, and Beam's other options.");
  }

  private static List<Method> ownGetters(Class<?> options) {
    Set<String> seen = new LinkedHashSet<>();
    List<Method> getters = new ArrayList<>();
    List<Class<?>> interfaces = new ArrayList<>();
    collect(options, interfaces);
    for (Class<?> iface : interfaces) {
      if (!iface.getPackageName().equals(OWN_PACKAGE)) {
        continue;
      }
      for (Method m : iface.getDeclaredMethods()) {
        if (m.getParameterCount() == 0 && (m.getName().startsWith("get") || m.getName().startsWith("is")) && seen.add(m.getName())) {
          getters.add(m);
        }
      }
    }
    return getters;
  }

  private static void collect(Class<?> iface, List<Class<?>> out) {
    if (out.contains(iface)) {
      return;
    }
    out.add(iface);
    for (Class<?> parent : iface.getInterfaces()) {
      collect(parent, out);
    }
  }

  private static String propertyName(Method getter) {
    String n = getter.getName();
    return Introspector.decapitalize(n.startsWith("get") ? n.substring(3) : n.substring(2));
  }

  private static List<String> enumNames(Class<?> type) {
    List<String> names = new ArrayList<>();
    for (Object c : type.getEnumConstants()) {
      names.add(c.toString().toLowerCase(java.util.Locale.ROOT));
    }
    return names;
  }

  private static String defaultOf(Method getter) {
    for (Annotation a : getter.getAnnotations()) {
      if (a instanceof Default.String s) {
        return s.value();
      } else if (a instanceof Default.Integer i) {
        return String.valueOf(i.value());
      } else if (a instanceof Default.Long l) {
        return String.valueOf(l.value());
      } else if (a instanceof Default.Double d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Boolean b) {
        return String.valueOf(b.value());
      } else if (a instanceof Default.Enum e) {
        return e.value().toLowerCase(java.util.Locale.ROOT);
      }
    }
    return null;
  }
}
