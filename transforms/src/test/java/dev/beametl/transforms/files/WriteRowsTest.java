package dev.beametl.transforms.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.transforms.parquet.ParquetFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes the same rows in every format on the DirectRunner and reads the files back. */
class WriteRowsTest {
  static final Schema SCHEMA =
      Schema.builder()
          .addNullableStringField("name")
          .addNullableInt64Field("count")
          .addInt32Field("small")
          .addNullableDoubleField("amount")
          .addNullableBooleanField("flag")
          .addNullableDateTimeField("at")
          .build();

  static final Instant WITH_MILLIS = Instant.parse("2020-06-01T10:11:12.345Z");
  static final Instant WHOLE_SECOND = Instant.parse("2020-06-01T00:00:00Z");
  static final String AWKWARD = "bob, \"the\" builder\nsecond line";

  static final List<Row> ROWS =
      List.of(
          Row.withSchema(SCHEMA).addValues("alice", 1L, 7, 2.5, true, WITH_MILLIS).build(),
          Row.withSchema(SCHEMA).addValues(AWKWARD, null, 8, null, null, null).build(),
          Row.withSchema(SCHEMA).addValues(null, -3L, 9, 1.0e-7, false, WHOLE_SECOND).build());

  @TempDir Path tmp;

  @Test
  void parquetKeepsTypesNullsAndTimestamps() throws IOException {
    write(ROWS, WriteRows.to(out(), OutputFormat.PARQUET).withNumShards(1));
    List<GenericRecord> records = ParquetFiles.readAll(onlyFile(".parquet").toString());

    assertThat(
        records.stream().map(WriteRowsTest::fields).toList(),
        containsInAnyOrder(
            "alice|1|7|2.5|true|" + WITH_MILLIS.getMillis(),
            AWKWARD + "|null|8|null|null|null",
            "null|-3|9|1.0E-7|false|" + WHOLE_SECOND.getMillis()));
    org.apache.avro.Schema at = records.get(0).getSchema().getField("at").schema().getTypes().get(1);
    assertThat(at.getLogicalType().getName(), is("timestamp-millis"));
  }

  @Test
  void csvHasAHeaderQuotesAsNeededAndKeepsMillis() throws IOException {
    write(ROWS, WriteRows.to(out(), OutputFormat.CSV).withNumShards(1));
    List<CSVRecord> records = readCsv(onlyFile(".csv"));

    assertThat(records.get(0).toList(), contains("name", "count", "small", "amount", "flag", "at"));
    assertThat(
        records.subList(1, records.size()).stream().map(r -> String.join("|", r.toList())).toList(),
        containsInAnyOrder(
            "alice|1|7|2.5|true|2020-06-01 10:11:12.345",
            AWKWARD + "||8|||",
            "|-3|9|1.0E-7|false|2020-06-01 00:00:00"));
  }

  @Test
  void jsonLinesHaveNullsAndIsoTimestamps() throws IOException {
    write(ROWS, WriteRows.to(out(), OutputFormat.JSONL).withNumShards(1));
    ObjectMapper json = new ObjectMapper();
    List<String> read = new ArrayList<>();
    for (String line : Files.readAllLines(onlyFile(".jsonl"), StandardCharsets.UTF_8)) {
      JsonNode n = json.readTree(line);
      read.add(String.join("|", n.get("name").asText(), n.get("count").asText(), n.get("amount").asText(), n.get("at").asText()));
    }
    assertThat(
        read,
        containsInAnyOrder(
            "alice|1|2.5|2020-06-01T10:11:12.345Z",
            AWKWARD + "|null|null|null",
            "null|-3|1.0E-7|2020-06-01T00:00:00.000Z"));
  }

  @Test
  void sortedByWritesOneFileInOrderWithNullsFirst() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(Row.withSchema(SCHEMA).addValues(i % 7 == 0 ? null : "k" + (i % 13), (long) i, i, null, null, null).build());
    }
    List<Row> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(42));
    write(shuffled, WriteRows.to(out(), OutputFormat.PARQUET).sortedBy(List.of("name", "count")));

    List<String> expected = new ArrayList<>(rows.stream().map(r -> r.getString("name") + "|" + r.getInt64("count")).toList());
    expected.sort(WriteRowsTest::compareKey);
    List<String> written =
        ParquetFiles.readAll(onlyFile(".parquet").toString()).stream().map(r -> String.valueOf(r.get("name")) + "|" + r.get("count")).toList();
    assertThat(written, equalTo(expected));
  }

  @Test
  void sortedByWritesItsFileEvenWithoutRows() throws IOException {
    write(List.of(), WriteRows.to(out(), OutputFormat.CSV).sortedBy(List.of("name")));
    assertThat(Files.readString(onlyFile(".csv")), is("name,count,small,amount,flag,at\n"));

    write(List.of(), WriteRows.to(tmp.resolve("parquet").toString(), OutputFormat.PARQUET).sortedBy(List.of("name")));
    assertThat(ParquetFiles.readAll(tmp.resolve("parquet/part-00000-of-00001.parquet").toString()), is(empty()));
  }

  @Test
  void unsortedWritesNoFileWithoutRows() throws IOException {
    write(List.of(), WriteRows.to(out(), OutputFormat.CSV).withNumShards(1));
    assertThat(Files.exists(tmp.resolve("out")) ? dataFiles() : List.of(), is(empty()));
  }

  /** The order sortedBy promises for "name|count" strings: name nulls first, then count numerically. */
  private static int compareKey(String a, String b) {
    String[] x = a.split("\\|");
    String[] y = b.split("\\|");
    int c = x[0].equals("null") ? (y[0].equals("null") ? 0 : -1) : y[0].equals("null") ? 1 : x[0].compareTo(y[0]);
    return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  private String out() {
    return tmp.resolve("out").toString();
  }

  private static void write(List<Row> rows, WriteRows write) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(rows).withRowSchema(SCHEMA)).apply(write);
    p.run().waitUntilFinish();
  }

  /** The output's files, without the empty {@code .temp-beam} directory Beam leaves on local disks. */
  private List<Path> dataFiles() throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("out"))) {
      return files.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
    }
  }

  private Path onlyFile(String suffix) throws IOException {
    List<Path> files = dataFiles();
    assertThat(files.stream().map(f -> f.getFileName().toString()).toList(), contains("part-00000-of-00001" + suffix));
    return files.get(0);
  }

  private static List<CSVRecord> readCsv(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file); CSVParser parser = CSVFormat.RFC4180.parse(in)) {
      return parser.getRecords();
    }
  }

  private static String fields(GenericRecord r) {
    List<String> values = new ArrayList<>();
    for (String name : List.of("name", "count", "small", "amount", "flag", "at")) {
      values.add(String.valueOf(r.get(name)));
    }
    return String.join("|", values);
  }
}
