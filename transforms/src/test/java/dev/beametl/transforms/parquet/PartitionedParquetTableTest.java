package dev.beametl.transforms.parquet;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows into a partitioned table and back: layout, types, projection, unreadable files. */
class PartitionedParquetTableTest {
  static final Schema ROWS =
      Schema.builder()
          .addInt64Field("id")
          .addField("day", FieldType.logicalType(SqlTypes.DATE))
          .addDateTimeField("pulled")
          .addNullableStringField("note")
          .addInt32Field("part")
          .build();
  static final List<String> OUTPUT = Collections.synchronizedList(new ArrayList<>());

  @TempDir Path tmp;

  static Row row(long id, String note) {
    return Row.withSchema(ROWS).addValues(id, LocalDate.of(2022, 5, 8), Instant.parse("2022-05-01T00:15:02Z"), note, (int) (id % 3)).build();
  }

  @Test
  void appendsPartitionDirectoriesThatReadBackTyped() throws IOException {
    Path root = tmp.resolve("table");
    PartitionedParquetTable table = PartitionedParquetTable.at(root.toString(), "part");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(row(3, "a"), row(4, null), row(7, "c")).withRowSchema(ROWS)).apply(table.append("run1"));
    p.run().waitUntilFinish();
    Files.createDirectories(root.resolve("part=1/.hidden"));
    Files.writeString(root.resolve("part=1/_SUCCESS"), "");
    Files.writeString(root.resolve("part=1/.part-x.crc"), "");

    List<String> files = table.files();

    assertThat(files, contains(root + "/part=0/part-run1-00000-of-00001.parquet", root + "/part=1/part-run1-00000-of-00001.parquet"));
    assertThat(table.partitionOf(files.get(1)), is("1"));
    List<String> read = new ArrayList<>();
    for (String file : files) {
      try (ParquetFiles.Reader reader = ParquetFiles.open(file, Set.of("id", "pulled", "nope"))) {
        assertThat("the partition column lives in the path only", reader.fileSchema().getFields().stream().map(f -> f.name()).toList(), contains("id", "day", "pulled", "note"));
        for (GenericRecord r = reader.next(); r != null; r = reader.next()) {
          read.add(r.toString());
        }
      }
    }
    long pulled = Instant.parse("2022-05-01T00:15:02Z").getMillis();
    assertThat(read, containsInAnyOrder("{\"id\": 3, \"pulled\": " + pulled + "}", "{\"id\": 4, \"pulled\": " + pulled + "}", "{\"id\": 7, \"pulled\": " + pulled + "}"));
  }

  @Test
  void readsRowsAndRejectsUnreadableFiles() throws IOException {
    Path root = tmp.resolve("table");
    PartitionedParquetTable table = PartitionedParquetTable.at(root.toString(), "part");
    Pipeline write = Pipeline.create(PipelineOptionsFactory.create());
    write.apply(Create.of(row(3, "a"), row(4, null)).withRowSchema(ROWS)).apply(table.append("run1"));
    write.run().waitUntilFinish();
    Path garbage = Files.writeString(tmp.resolve("garbage.parquet"), "not parquet");
    List<String> inputs = new ArrayList<>(table.files());
    inputs.add(garbage.toString());

    OUTPUT.clear();
    Schema typed = Schema.builder().addInt64Field("id").addField("day", FieldType.logicalType(SqlTypes.DATE)).addNullableStringField("note").build();
    Pipeline read = Pipeline.create(PipelineOptionsFactory.create());
    WithRejects<Row> rows = read.apply(InputFiles.read(inputs)).apply(ReadParquetRows.as(RecordToRow.to(typed)).withSourceColumns());
    rows.getOutput().apply("CollectRows", ParDo.of(new CollectRows()));
    rows.getRejects().apply("CollectRejects", ParDo.of(new CollectRejects()));
    read.run().waitUntilFinish();

    assertThat(
        OUTPUT,
        containsInAnyOrder(
            "3 2022-05-08 a " + root + "/part=0/part-run1-00000-of-00001.parquet 1",
            "4 2022-05-08 null " + root + "/part=1/part-run1-00000-of-00001.parquet 1",
            "reject unreadable_file " + garbage + " 0"));
  }

  static final class CollectRows extends DoFn<Row, Void> {
    @ProcessElement
    public void process(@Element Row r) {
      OUTPUT.add(r.getInt64("id") + " " + r.getValue("day") + " " + r.getString("note") + " " + r.getString("source_file") + " " + r.getInt64("source_record"));
    }
  }

  static final class CollectRejects extends DoFn<Reject, Void> {
    @ProcessElement
    public void process(@Element Reject r) {
      OUTPUT.add("reject " + r.reason + " " + r.source + " " + r.record);
    }
  }
}
