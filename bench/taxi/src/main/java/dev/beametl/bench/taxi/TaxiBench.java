package dev.beametl.bench.taxi;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs taxi-staging + taxi-gold on N generated rows with three contenders, each step in its own
 * JVM (as a scheduler would run it), several times, and prints wall time, rows/s and the ratio to
 * the Spark SQL baseline, with medians. Run through {@code bench/run-taxi}.
 */
public final class TaxiBench {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final List<String> OPENS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

  /** A way to run the two steps. */
  enum Contender {
    BEAM_DIRECT("beam-direct"),
    BEAM_SPARK("beam-spark-local2"),
    SPARK_SQL("spark-sql-local2");

    final String label;

    Contender(String label) {
      this.label = label;
    }
  }

  private TaxiBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("rows", "5000000");
    opts.put("runs", "3");
    opts.put("work", "bench/work/taxi");
    opts.put("heap", "4g");
    opts.put("contenders", "beam-direct,beam-spark-local2,spark-sql-local2");
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      if (!opts.containsKey(kv[0]) || kv.length != 2) {
        throw new IllegalArgumentException("unknown argument " + a + "; accepted: " + opts.keySet());
      }
      opts.put(kv[0], kv[1]);
    }
    long rows = Long.parseLong(opts.get("rows"));
    int runs = Integer.parseInt(opts.get("runs"));
    Path work = Path.of(opts.get("work")).toAbsolutePath();
    List<Contender> contenders = new ArrayList<>();
    for (String c : opts.get("contenders").split(",")) {
      contenders.add(Stream.of(Contender.values()).filter(x -> x.label.equals(c)).findFirst().orElseThrow(() -> new IllegalArgumentException("unknown contender " + c)));
    }

    Path raw = work.resolve("raw-" + rows);
    if (!Files.isDirectory(raw)) {
      TaxiDataGenerator.generate(raw, rows, (int) Math.max(1, Math.min(12, rows / 500_000)), 20200601L);
    }
    Path logs = Files.createDirectories(work.resolve("logs"));
    System.out.printf("taxi bench: %,d rows, %d runs, %d cores, heap %s per JVM, logs in %s%n",
        rows, runs, Runtime.getRuntime().availableProcessors(), opts.get("heap"), logs);

    // Untimed: the first run after a build writes scripts/beam-etl's class archive, as it would for a user.
    for (Contender c : contenders) {
      if (c != Contender.SPARK_SQL) {
        Path out = work.resolve("warm-up").resolve(c.label);
        deleteRecursively(out);
        time(c, "warm-up", stagingCommand(c, Path.of("samples/taxi").toAbsolutePath(), out, opts.get("heap")), logs.resolve(c.label + "-warm-up.log"));
      }
    }

    Map<Contender, List<double[]>> times = new LinkedHashMap<>();
    Map<Contender, List<Double>> cpus = new LinkedHashMap<>();
    for (int run = 1; run <= runs; run++) {
      // A different contender goes first each run: load that drifts during a sitting hits all alike.
      List<Contender> order = new ArrayList<>(contenders);
      java.util.Collections.rotate(order, -(run - 1));
      for (Contender c : order) {
        Path out = work.resolve("out").resolve(c.label);
        deleteRecursively(out);
        double[] staging = time(c, "staging", stagingCommand(c, raw, out, opts.get("heap")), logs.resolve(c.label + "-staging-" + run + ".log"));
        double[] gold = time(c, "gold", goldCommand(c, out, opts.get("heap")), logs.resolve(c.label + "-gold-" + run + ".log"));
        times.computeIfAbsent(c, k -> new ArrayList<>()).add(new double[] {staging[0], gold[0]});
        cpus.computeIfAbsent(c, k -> new ArrayList<>()).add(staging[1] + gold[1]);
        System.out.printf("run %d %-18s staging %7.1f s  gold %6.1f s  total %7.1f s  %,10.0f rows/s  (CPU %6.1f s)  load %.1f%n",
            run, c.label, staging[0], gold[0], staging[0] + gold[0], rows / (staging[0] + gold[0]), staging[1] + gold[1], load());
      }
    }

    System.out.println();
    System.out.printf("medians of %d runs, %,d rows (wall time of each step's JVM, start to exit)%n", runs, rows);
    System.out.printf("%-18s %9s %9s %9s %12s %14s %10s %14s%n", "contender", "staging", "gold", "total", "rows/s", "vs spark-sql", "CPU", "CPU vs sql");
    double baseline = times.containsKey(Contender.SPARK_SQL) ? median(times.get(Contender.SPARK_SQL), 2) : Double.NaN;
    double cpuBaseline = cpus.containsKey(Contender.SPARK_SQL) ? median(cpus.get(Contender.SPARK_SQL)) : Double.NaN;
    for (Map.Entry<Contender, List<double[]>> e : times.entrySet()) {
      double total = median(e.getValue(), 2);
      double cpu = median(cpus.get(e.getKey()));
      System.out.printf("%-18s %8.1fs %8.1fs %8.1fs %,12.0f %13.2fx %9.1fs %13.2fx%n",
          e.getKey().label, median(e.getValue(), 0), median(e.getValue(), 1), total, rows / total, total / baseline, cpu, cpu / cpuBaseline);
    }
    if (times.containsKey(Contender.SPARK_SQL)) {
      System.out.println("median of the per-run ratios (each run's contenders ran back to back, so they shared its load):");
      for (Map.Entry<Contender, List<double[]>> e : times.entrySet()) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < e.getValue().size(); r++) {
          double[] mine = e.getValue().get(r);
          double[] sql = times.get(Contender.SPARK_SQL).get(r);
          ratios.add((mine[0] + mine[1]) / (sql[0] + sql[1]));
        }
        System.out.printf("  %-18s %5.2fx  (runs: %s)%n", e.getKey().label, median(ratios),
            ratios.stream().map(x -> String.format("%.2f", x)).toList());
      }
    }
    System.out.printf("load average now %.1f on %d cores: other work on the machine inflates wall times.%n",
        load(), Runtime.getRuntime().availableProcessors());
  }

  private static double load() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double median(List<Double> values) {
    return median(values.stream().map(v -> new double[] {v, 0}).toList(), 0);
  }

  private static List<String> stagingCommand(Contender c, Path raw, Path out, String heap) {
    String input = raw.resolve("*.csv").toString();
    if (c == Contender.SPARK_SQL) {
      return java(heap, SparkSqlTaxi.class.getName(), "staging", input, out.resolve("staging").toString(), "local[2]");
    }
    return beamEtl(c, heap, "taxi-staging", "--input=" + input, "--output=" + out.resolve("staging"),
        "--rejects=" + out.resolve("staging-rejects.jsonl"), "--runReport=" + out.resolve("staging-report.json"));
  }

  private static List<String> goldCommand(Contender c, Path out, String heap) {
    if (c == Contender.SPARK_SQL) {
      return java(heap, SparkSqlTaxi.class.getName(), "gold", out.resolve("staging").toString(), out.resolve("gold").toString(), "local[2]");
    }
    return beamEtl(c, heap, "taxi-gold", "--input=" + out.resolve("staging"), "--output=" + out.resolve("gold"),
        "--rejects=" + out.resolve("gold-rejects.jsonl"), "--runReport=" + out.resolve("gold-report.json"));
  }

  /** A step as users run it: through scripts/beam-etl, with its start-up class archive. */
  private static List<String> beamEtl(Contender c, String heap, String pipeline, String... args) {
    List<String> cmd = new ArrayList<>(List.of("env", "JAVA_OPTS=-Xmx" + heap, "scripts/beam-etl", pipeline));
    cmd.addAll(List.of(args));
    cmd.addAll(runnerArgs(c));
    return cmd;
  }

  private static List<String> runnerArgs(Contender c) {
    if (c == Contender.BEAM_SPARK) {
      return List.of("--runner=SparkRunner", "--sparkMaster=local[2]");
    }
    // The DirectRunner's per-element encode/decode and immutability checks are for tests, not for data volumes.
    return List.of("--runner=DirectRunner", "--enforceEncodability=false", "--enforceImmutability=false");
  }

  private static List<String> java(String heap, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx" + heap));
    cmd.addAll(OPENS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs one step; returns {wall seconds, CPU seconds (user + system) of the step's processes}. */
  private static double[] time(Contender c, String step, List<String> command, Path log) throws IOException, InterruptedException {
    List<String> timed = new ArrayList<>(List.of("bash", "-c", "\"$@\"; rc=$?; echo; times; exit $rc", "bench"));
    timed.addAll(command);
    long start = System.nanoTime();
    Process p = new ProcessBuilder(timed).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int exit = p.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException(c.label + " " + step + " failed (exit " + exit + "), see " + log);
    }
    // bash's `times`: the last line is the children's user and system time, e.g. "1m2.500s 0m1.250s".
    List<String> lines = Files.readAllLines(log);
    double cpu = 0;
    for (String t : lines.get(lines.size() - 1).trim().split("\\s+")) {
      String[] ms = t.replace("s", "").split("m");
      cpu += Double.parseDouble(ms[0]) * 60 + Double.parseDouble(ms[1]);
    }
    return new double[] {seconds, cpu};
  }

  private static double median(List<double[]> runs, int column) {
    double[] v = runs.stream().mapToDouble(r -> column == 2 ? r[0] + r[1] : r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}
