package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.transforms.report.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several group keys, every function, nulls and bad values, on a fixture of our own (src/test/resources/dataset-summary). */
class DatasetSummaryTest {
  static final String MEASURES =
      "units:min,units:max,units:sum,units:avg,units:count,units:count_distinct,"
          + "price:min,price:max,price:sum,price:avg,price:count,"
          + "product:min,product:max,product:count_distinct,*:count";

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void everyFunctionOverTwoKeysWithNullsAndRejects(String runner) throws Exception {
    RunReport report =
        DatasetSummary.run(
            DatasetSummaryGoldenTest.options(
                "--runner=" + runner,
                "--sparkMaster=local[2]",
                "--input=" + fixture(),
                "--output=" + tmp.resolve("out"),
                "--outputFormat=csv",
                "--groupBy=region,YEAR",
                "--measures=" + MEASURES,
                "--columnTypes=units:long,year:long",
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.count("read"), is(15L));
    assertThat(report.count("aggregated"), is(10L));
    assertThat(report.count("written"), is(4L));
    assertThat(report.balanced(), is(true));
    assertThat(report.count("rejected"), is(5L));
    assertThat(report.count("groups"), is(4L));
    assertThat(report.rejectReasons(), is(Map.of("unparsable_value", 3L, "extra_field", 1L, "missing_field", 1L)));
    assertThat(report.balanced(), is(true));

    // Sorted by region (null first), then year as a number; the key keeps the header's spelling.
    assertThat(
        Files.readAllLines(tmp.resolve("out/part-00000-of-00001.csv")),
        contains(
            "region,year,units_min,units_max,units_sum,units_avg,units_count,units_count_distinct,"
                + "price_min,price_max,price_sum,price_avg,price_count,product_min,product_max,product_count_distinct,count",
            ",2023,4,6,10,5.0,2,2,2.0,2.0,2.0,2.0,1,kiwi,kiwi,1,2",
            "north,2023,5,10,20,6.666666666666667,3,2,0.75,2.5,4.75,1.5833333333333333,3,apple,pear,2,4",
            "south,2023,3,3,6,3.0,2,1,1.25,1.75,3.0,1.5,2,apple,apple,1,2",
            "south,2024,2,2,2,2.0,1,1,3.0,3.0,3.0,3.0,1,kiwi,pear,2,2"));

    List<String> rejects = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(tmp.resolve("rejects.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode r = json.readTree(line);
      rejects.add(r.get("record").asLong() + " " + r.get("reason").asText() + " " + r.get("column").asText());
    }
    assertThat(
        rejects,
        containsInAnyOrder(
            "5 unparsable_value price",
            "10 unparsable_value units",
            "11 extra_field null",
            "14 unparsable_value year",
            "15 missing_field null"));
  }

  @Test
  void moreOutputFilesMergeTheGroupsByAShuffleAndLoseNone() throws Exception {
    RunReport report =
        DatasetSummary.run(
            DatasetSummaryGoldenTest.options(
                "--input=" + fixture(),
                "--output=" + tmp.resolve("out"),
                "--outputFormat=CSV",
                "--outputShards=2",
                "--groupBy=region,year",
                "--measures=units:sum,price:avg,product:count_distinct,*:count",
                "--columnTypes=units:long,year:long",
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.count("groups"), is(4L));
    List<String> rows = new ArrayList<>();
    List<Path> shards;
    try (Stream<Path> files = Files.list(tmp.resolve("out"))) {
      shards = files.filter(f -> f.getFileName().toString().matches("part-0000[01]-of-00002\\.csv")).toList();
    }
    for (Path shard : shards) {
      List<String> lines = Files.readAllLines(shard);
      assertThat(lines.get(0), is("region,year,units_sum,price_avg,product_count_distinct,count"));
      rows.addAll(lines.subList(1, lines.size()));
    }
    assertThat(rows, containsInAnyOrder(",2023,10,2.0,1,2", "north,2023,20,1.5833333333333333,2,4", "south,2023,6,1.5,1,2", "south,2024,2,3.0,2,2"));
  }

  @Test
  void anUnknownColumnIsABadArgumentNamingTheHeader() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BeamEtl.execute(
            new String[] {
              DatasetSummary.NAME, "--input=" + fixture(), "--output=" + tmp.resolve("out"), "--measures=weight:max"
            },
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status, is(BeamEtl.BAD_ARGUMENTS));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("columns [dp, weight] are not in the header of"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner"})
  void rowRulesRejectRecordsBeforeTheyAreSummarised(String runner) throws Exception {
    // price is read only by the rule (as a number); REGION matches the header's region.
    RunReport report =
        DatasetSummary.run(
            DatasetSummaryGoldenTest.options(
                "--runner=" + runner,
                "--sparkMaster=local[2]",
                "--input=" + fixture(),
                "--output=" + tmp.resolve("out"),
                "--outputFormat=csv",
                "--groupBy=region,year",
                "--measures=units:sum,*:count",
                "--columnTypes=units:long,year:long",
                "--notNull=REGION",
                "--range=price:0..2",
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.count("read"), is(15L));
    assertThat(report.count("aggregated"), is(6L));
    assertThat(report.count("rejected"), is(9L));
    assertThat(report.balanced(), is(true));
    assertThat(
        report.rejectReasons(),
        is(Map.of("unparsable_value", 3L, "extra_field", 1L, "missing_field", 1L, "rule_not_null", 2L, "rule_range", 2L)));
    assertThat(
        Files.readAllLines(tmp.resolve("out/part-00000-of-00001.csv")),
        contains("region,year,units_sum,count", "north,2023,20,3", "south,2023,6,2", "south,2024,,1"));
  }

  private static Path fixture() throws URISyntaxException {
    return Path.of(DatasetSummaryTest.class.getResource("/dataset-summary/sales.csv").toURI());
  }
}
