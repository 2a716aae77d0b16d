package dev.beametl.transforms.json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.records.ReadRecords;
import dev.beametl.transforms.records.RecordParser;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON-lines files read in ranges give exactly the records, numbers and lines of one reader over the whole file. */
class JsonFileRecordsTest {
  @TempDir Path tmp;

  @Test
  void aBatchOfOutcomesSurvivesItsCoder() throws Exception {
    Row row = Row.withSchema(TextRecords.SCHEMA).addValues("s3://b/rides.json", "{\"a\": \"\u00e9\"}").build();
    Reject reject = new Reject("parse", "truncated_json", null, "line 1: cut off", "/in/rides.json", 1, "{");
    KvCoder<Row, Reject> outcome = WithRejects.outcomeCoder(Pipeline.create(), SchemaCoder.of(TextRecords.SCHEMA));
    CoderProperties.coderDecodeEncodeEqual(ListCoder.of(outcome), List.of(KV.of(row, null), KV.of(null, reject)));
  }

  @Test
  void aFileReadInRangesHasTheRecordsOfAWholeRead() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 20_000; i++) {
      lines.append(i % 1_000 == 0 ? "{\"broken\": " : "{\"n\": " + i + ", \"s\": \"" + "\u00e9".repeat(i % 13) + "\"}").append(i % 777 == 0 ? "\n\r\n" : "\n");
    }
    Files.writeString(in.resolve("lines.jsonl"), lines);
    StringBuilder array = new StringBuilder("[");
    for (int i = 1; i <= 3_000; i++) {
      array.append(i == 1 ? "" : ",\n").append("{\"n\": ").append(i).append("}");
    }
    Files.writeString(in.resolve("array.json"), array.append("]"));
    List<String> expected = new ArrayList<>();
    for (String file : List.of("lines.jsonl", "array.json")) {
      try (InputStream bytes = Files.newInputStream(in.resolve(file));
          JsonRecordReader reader = JsonRecordReader.open(bytes, "travel_data")) {
        for (JsonRecordReader.Record r = reader.next(); r != null; r = reader.next()) {
          expected.add(file + " " + r);
        }
      }
    }

    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PAssert.that(
            p.apply(FileIO.match().filepattern(in + "/*"))
                .apply(FileIO.readMatches())
                .apply(ReadRecords.from(JsonFileRecords.of(new TextRecords(), TextRecords.SCHEMA, "travel_data").withRangeBytes(16 << 10)).countingFiles())
                .apply(MapElements.into(TypeDescriptors.strings())
                    .via(r -> r.getKey().getString("source").replaceAll(".*/", "") + " " + r.getKey().getString("record"))))
        .containsInAnyOrder(expected);
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertThat(expected.size(), is(23_000));
    assertThat("each file counted once, however many ranges", counter(result, "files"), is(2L));
    assertThat(counter(result, EtlMetrics.READ), is(23_000L));
  }

  /** Each record as its source and its text, number, line and problem. */
  static final class TextRecords implements RecordParser<JsonRecordReader.Record> {
    static final Schema SCHEMA = Schema.builder().addStringField("source").addStringField("record").build();

    @Override
    public KV<Row, Reject> parse(String file, JsonRecordReader.Record record) {
      return KV.of(Row.withSchema(SCHEMA).addValues(file, record.toString()).build(), null);
    }
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : result.metrics().queryMetrics(
        MetricsFilter.builder().addNameFilter(MetricNameFilter.named(EtlMetrics.NAMESPACE, name)).build()).getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
