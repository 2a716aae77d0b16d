package dev.beametl.bench.fastpaths;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One part of {@code bench/run-fast-paths}, which runs each part in a JVM of its own:
 * <pre>
 *   FastPathsBench csv --sample=FILE --work=DIR [--megabytes=300] [--runs=5]
 *   FastPathsBench csv-rows --raw=DIR --sample=FILE --work=DIR [--megabytes=300] [--runs=5]
 *   FastPathsBench parquet --runner=direct|spark --staging=DIR [--runs=3]
 *   FastPathsBench parquet-write --staging=DIR --work=DIR [--rows=1500000] [--runs=3]
 *   FastPathsBench combine --runner=direct|spark [--rows=2000000] [--runs=3]
 *   FastPathsBench decimals --sample=FILE [--count=20000000] [--runs=5]
 *   FastPathsBench timestamps --sample=FILE [--count=10000000] [--runs=5]
 * </pre>
 */
public final class FastPathsBench {
  private FastPathsBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: FastPathsBench csv|csv-rows|parquet|parquet-write|combine|decimals|timestamps --option=value ...");
    }
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected --name=value, got " + args[i]);
      }
      opts.put(kv[0], kv[1]);
    }
    switch (args[0]) {
      case "csv" -> CsvBench.run(Path.of(required(opts, "sample")), Path.of(required(opts, "work")),
          Long.parseLong(opts.getOrDefault("megabytes", "300")), Integer.parseInt(opts.getOrDefault("runs", "5")));
      case "csv-rows" -> CsvRowsBench.run(Path.of(required(opts, "raw")), CsvBench.loans(Path.of(required(opts, "sample")), Path.of(required(opts, "work")),
          Long.parseLong(opts.getOrDefault("megabytes", "300"))), Integer.parseInt(opts.getOrDefault("runs", "5")));
      case "parquet" -> ParquetBench.run(required(opts, "runner"), Path.of(required(opts, "staging")),
          Integer.parseInt(opts.getOrDefault("runs", "3")));
      case "parquet-write" -> ParquetWriteBench.run(Path.of(required(opts, "staging")), Path.of(required(opts, "work")),
          Integer.parseInt(opts.getOrDefault("rows", "1500000")), Integer.parseInt(opts.getOrDefault("runs", "3")));
      case "combine" -> CombineBench.run(required(opts, "runner"), Long.parseLong(opts.getOrDefault("rows", "2000000")),
          Integer.parseInt(opts.getOrDefault("runs", "3")));
      case "decimals" -> ValueParsingBench.decimals(Path.of(required(opts, "sample")), Integer.parseInt(opts.getOrDefault("count", "20000000")),
          Integer.parseInt(opts.getOrDefault("runs", "5")));
      case "timestamps" -> ValueParsingBench.timestamps(Path.of(required(opts, "sample")), Integer.parseInt(opts.getOrDefault("count", "10000000")),
          Integer.parseInt(opts.getOrDefault("runs", "5")));
      default -> throw new IllegalArgumentException("unknown part " + args[0] + " (csv, csv-rows, parquet, parquet-write, combine, decimals, timestamps)");
    }
    // Spark's context (kept for the whole sitting) holds non-daemon threads.
    System.exit(0);
  }

  private static String required(Map<String, String> opts, String name) {
    String value = opts.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
