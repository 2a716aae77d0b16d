package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.beametl.options.DatasetSummaryOptions;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.testing.Processes;
import dev.beametl.transforms.parquet.ParquetFiles;
import dev.beametl.transforms.report.RunReport;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC section 3 reference: ds_1.csv (BOM, CRLF, no final newline) summarised by dp with the defaults, on both runners. */
class DatasetSummaryGoldenTest {
  /** dp, memory_min, memory_max, memory_count, percentage_max, percentage_avg, ratio_max (SPEC, 9 decimals). */
  static final Object[][] REFERENCE = {
    {"dp_1", 134L, 488L, 31L, 0.994439894, 0.495328743, 8.918049792},
    {"dp_2", 139L, 492L, 39L, 0.975168874, 0.510388443, 9.715248397},
    {"dp_3", 132L, 464L, 44L, 0.996877358, 0.502934164, 9.897594454},
    {"dp_4", 132L, 512L, 45L, 0.959652838, 0.423391740, 9.924920950},
    {"dp_5", 131L, 509L, 41L, 0.975257589, 0.520431714, 9.428956196},
  };

  @TempDir Path tmp;

  @ParameterizedTest
  // The last: the 9.7 kB file read in ranges of about 1 kB, each cut where a record starts.
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "ForkCheckingRunner", "SparkRunner --readRangeBytes=1000"})
  void ds1MatchesTheReferenceAtFullPrecision(String runnerAndOption) throws IOException {
    Path input = Processes.sharedData().resolve("aws_etl/ds_1.csv");
    List<String> args = new ArrayList<>(List.of(runnerAndOption.split(" ")));
    args.set(0, "--runner=" + args.get(0));
    args.addAll(
        List.of(
            "--sparkMaster=local[2]",
            "--input=" + input,
            "--output=" + tmp.resolve("out"),
            "--rejects=" + tmp.resolve("rejects.jsonl"),
            "--runReport=" + tmp.resolve("report.json")));
    RunReport report = DatasetSummary.run(options(args.toArray(String[]::new)));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(200L));
    assertThat(report.count("aggregated"), is(200L));
    assertThat(report.count("written"), is(5L));
    assertThat(report.balanced(), is(true));
    assertThat(report.count("filtered"), is(0L));
    assertThat(report.count("rejected"), is(0L));
    assertThat(report.count("groups"), is(5L));
    assertThat(report.balanced(), is(true));

    List<GenericRecord> rows = ParquetFiles.readAll(onlyOutputFile().toString());
    assertThat(
        rows.get(0).getSchema().getFields().stream().map(Schema.Field::name).toList(),
        contains("dp", "memory_min", "memory_max", "memory_count", "percentage_max", "percentage_avg", "ratio_max"));
    assertThat(rows.stream().map(r -> r.get("dp").toString()).toList(), contains("dp_1", "dp_2", "dp_3", "dp_4", "dp_5"));
    Map<String, BigDecimal[]> exact = exactPercentageSumAndCount(input);
    for (int i = 0; i < REFERENCE.length; i++) {
      Object[] want = REFERENCE[i];
      GenericRecord got = rows.get(i);
      assertThat(got.get("memory_min"), is(want[1]));
      assertThat(got.get("memory_max"), is(want[2]));
      assertThat(got.get("memory_count"), is(want[3]));
      assertThat((Double) got.get("percentage_max"), closeTo((Double) want[4], 5e-10));
      assertThat((Double) got.get("percentage_avg"), closeTo((Double) want[5], 5e-10));
      assertThat((Double) got.get("ratio_max"), closeTo((Double) want[6], 5e-10));

      // Full double precision: the average is the exact mean of the decimal values, to the last bit or so.
      BigDecimal[] sumAndCount = exact.get(want[0].toString());
      double exactMean = sumAndCount[0].divide(sumAndCount[1], MathContext.DECIMAL128).doubleValue();
      assertThat(Math.abs((Double) got.get("percentage_avg") - exactMean), lessThanOrEqualTo(Math.ulp(exactMean)));
    }
  }

  /** Per dp, the exact decimal sum and count of percentage, read from the file independently of the pipeline. */
  static Map<String, BigDecimal[]> exactPercentageSumAndCount(Path input) throws IOException {
    String text = Files.readString(input, StandardCharsets.UTF_8).replace("\uFEFF", "");
    List<String> lines = List.of(text.split("\r\n"));
    List<String> header = List.of(lines.get(0).split(","));
    int dp = header.indexOf("dp");
    int percentage = header.indexOf("percentage");
    Map<String, BigDecimal[]> sums = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      BigDecimal[] s = sums.computeIfAbsent(f[dp], k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
      s[0] = s[0].add(new BigDecimal(f[percentage]));
      s[1] = s[1].add(BigDecimal.ONE);
    }
    return sums;
  }

  private Path onlyOutputFile() throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("out"))) {
      List<Path> visible = files.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
      assertThat(visible.stream().map(f -> f.getFileName().toString()).toList(), contains("part-00000-of-00001.parquet"));
      return visible.get(0);
    }
  }

  static DatasetSummaryOptions options(String... args) {
    return BeamEtl.parse(PipelineCatalog.find(DatasetSummary.NAME).orElseThrow(), args).as(DatasetSummaryOptions.class);
  }
}
