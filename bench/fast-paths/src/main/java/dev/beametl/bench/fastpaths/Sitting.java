package dev.beametl.bench.fastpaths;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sitting: every contender does the same job once to warm up, then N times in turn (each run
 * starting with another contender, so load that drifts hits all alike). Prints each run, then the
 * medians and each contender's ratio to the first one, the hand-written path.
 */
final class Sitting {
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** One way of doing the job. */
  interface Job {
    Result run() throws Exception;
  }

  /** What a job did: the units it processed and a fingerprint of its result, the same for every contender. */
  record Result(long units, String fingerprint) {}

  record Contender(String name, Job job) {}

  private record Timing(double wallSeconds, double cpuSeconds) {}

  private final String title;
  private final String unitName;
  private final long bytes;
  private final List<Contender> contenders = new ArrayList<>();

  /** {@code unitName}: what a job's units are (records, rows); {@code bytes} of input per job, 0 when MB/s means nothing. */
  Sitting(String title, String unitName, long bytes) {
    this.title = title;
    this.unitName = unitName;
    this.bytes = bytes;
  }

  Sitting add(String name, Job job) {
    contenders.add(new Contender(name, job));
    return this;
  }

  void run(int runs) throws Exception {
    System.out.printf("%n== %s: %d timed runs after a warm-up, load %s%n", title, runs, load());
    Result expected = null;
    for (Contender c : contenders) {
      Result result = c.job().run();
      System.out.printf("warm-up %-22s %,d %s: %s%n", c.name(), result.units(), unitName, result.fingerprint());
      expected = check(expected, c, result);
    }
    long units = expected.units();
    Map<Contender, List<Timing>> timings = new LinkedHashMap<>();
    for (int run = 1; run <= runs; run++) {
      List<Contender> order = new ArrayList<>(contenders);
      Collections.rotate(order, -(run - 1));
      for (Contender c : order) {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        Result result = c.job().run();
        Timing t = new Timing((System.nanoTime() - start) / 1e9, (OS.getProcessCpuTime() - cpu) / 1e9);
        check(expected, c, result);
        timings.computeIfAbsent(c, k -> new ArrayList<>()).add(t);
        System.out.printf("run %d %-22s wall %7.2f s  CPU %7.2f s  load %s%n", run, c.name(), t.wallSeconds(), t.cpuSeconds(), load());
      }
    }
    System.out.printf("-- %s: medians of %d runs; x = this contender's median wall over %s's (above 1: the hand-written path is faster)%n",
        title, runs, contenders.get(0).name());
    System.out.printf("%-22s %9s %9s %14s %9s %8s %8s%n", "contender", "wall_s", "cpu_s", unitName + "/s", bytes > 0 ? "MB/s" : "", "x_wall", "x_cpu");
    double baseWall = median(timings.get(contenders.get(0)), true);
    double baseCpu = median(timings.get(contenders.get(0)), false);
    for (Contender c : contenders) {
      double wall = median(timings.get(c), true);
      double cpu = median(timings.get(c), false);
      System.out.printf("%-22s %9.2f %9.2f %,14.0f %9s %8.2f %8.2f%n", c.name(), wall, cpu, units / wall,
          bytes > 0 ? String.format("%.1f", bytes / 1e6 / wall) : "", wall / baseWall, cpu / baseCpu);
    }
    System.out.printf("results: every run of every contender read %,d %s and gave %s; load at end %s%n",
        units, unitName, expected.fingerprint(), load());
  }

  private static Result check(Result expected, Contender c, Result result) {
    if (expected != null && !expected.equals(result)) {
      throw new IllegalStateException(c.name() + " gave " + result + ", the first contender " + expected);
    }
    return result;
  }

  private static double median(List<Timing> runs, boolean wall) {
    double[] v = runs.stream().mapToDouble(t -> wall ? t.wallSeconds() : t.cpuSeconds()).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The 1, 5 and 15 minute load averages. */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return String.format("%.2f", OS.getSystemLoadAverage());
    }
  }
}
