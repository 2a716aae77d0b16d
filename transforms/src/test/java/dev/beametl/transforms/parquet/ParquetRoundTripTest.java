package dev.beametl.transforms.parquet;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's files through the reader: every type the direct path takes, nulls, projection, a missing column. */
class ParquetRoundTripTest {
  static final Schema ALL =
      Schema.builder()
          .addInt64Field("id")
          .addNullableInt32Field("i")
          .addNullableInt64Field("l")
          .addNullableDoubleField("d")
          .addNullableFloatField("f")
          .addNullableBooleanField("b")
          .addNullableStringField("s")
          .addNullableDateTimeField("t")
          .build();
  static final Instant AT = Instant.parse("2024-02-29T23:59:58.123Z");
  static final List<Row> ROWS =
      List.of(
          Row.withSchema(ALL).addValues(1L, -7, Long.MAX_VALUE, 1.0e-7, 2.5f, true, "grüße, \"quoted\"", AT).build(),
          Row.withSchema(ALL).addValues(2L, null, null, null, null, null, null, null).build(),
          Row.withSchema(ALL).addValues(3L, Integer.MIN_VALUE, -1L, -0.0, Float.MAX_VALUE, false, "", new Instant(0)).build());

  @TempDir Path tmp;

  @Test
  void everyTypeAndNullComesBackAsWritten() throws IOException {
    String file = write(ALL, ROWS);

    assertThat("written directly, not through Avro", RowParquetWriter.supports(ALL), is(true));
    assertThat(read(file, ALL), is(ROWS));
  }

  @Test
  void aProjectionDecodesOnlyItsColumnsInItsOrder() throws IOException {
    String file = write(ALL, ROWS);
    Schema some = Schema.builder().addNullableStringField("s").addInt64Field("id").build();

    assertThat(
        read(file, some),
        contains(
            Row.withSchema(some).addValues("grüße, \"quoted\"", 1L).build(),
            Row.withSchema(some).addValues(null, 2L).build(),
            Row.withSchema(some).addValues("", 3L).build()));
  }

  @Test
  void aMissingColumnFailsTheRowDecodeNamingTheFile() throws IOException {
    String file = write(ALL, ROWS);
    Schema withMissing = Schema.builder().addInt64Field("id").addNullableStringField("nope").build();

    IOException e = assertThrows(IOException.class, () -> read(file, withMissing));
    assertThat(e.getMessage(), allOf(containsString(file), containsString("no column nope")));
    assertThrows(IllegalArgumentException.class, () -> ParquetFiles.checkRowColumns(Schema.builder().addByteArrayField("raw").build()));
  }

  @Test
  void theTransformWithRejectsReadsAMissingColumnAsNulls() throws IOException {
    String file = write(ALL, ROWS);
    Schema typed =
        Schema.builder()
            .addInt64Field("id")
            .addNullableInt32Field("i")
            .addNullableDoubleField("d")
            .addNullableStringField("s")
            .addNullableDateTimeField("t")
            .addNullableStringField("missing")
            .build();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());

    WithRejects<Row> rows = p.apply(InputFiles.read(List.of(file))).apply(ReadParquetRows.as(RecordToRow.to(typed)));

    PAssert.that(rows.getOutput())
        .containsInAnyOrder(
            Row.withSchema(typed).addValues(1L, -7, 1.0e-7, "grüße, \"quoted\"", AT, null).build(),
            Row.withSchema(typed).addValues(2L, null, null, null, null, null).build(),
            Row.withSchema(typed).addValues(3L, Integer.MIN_VALUE, -0.0, "", new Instant(0), null).build());
    PAssert.that(rows.getRejects()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void theDirectFileIsByteForByteTheAvroPathsFile() throws IOException {
    Random random = new Random(13);
    List<Row> many = new ArrayList<>();
    for (long id = 0; id < 30_000; id++) {
      boolean nulls = random.nextInt(10) == 0;
      many.add(nulls
          ? Row.withSchema(ALL).addValues(id, null, null, null, null, null, null, null).build()
          : Row.withSchema(ALL).addValues(id, random.nextInt(100), random.nextLong(), Math.round(random.nextDouble() * 1e4) / 100.0,
              random.nextFloat(), random.nextBoolean(), "v" + random.nextInt(500), new Instant(random.nextInt() * 1000L)).build());
    }
    org.apache.avro.Schema avro = AvroUtils.toAvroSchema(ALL);
    SerializableFunction<Row, GenericRecord> toRecord = AvroUtils.getRowToGenericRecordFunction(avro);

    for (List<Row> rows : List.of(many, List.<Row>of())) {
      Path direct = Path.of(write(ALL, rows));
      Path viaAvro = tmp.resolve("avro.parquet");
      write(viaAvro.toString(), RowParquetWriter.avroSink(avro), rows.stream().map(toRecord::apply).toList());

      assertThat(rows.size() + " rows", Files.readAllBytes(direct), is(Files.readAllBytes(viaAvro)));
      assertThat(read(direct.toString(), ALL), is(rows));
    }
  }

  /** A file of many small row groups, as another writer may cut them, reads back whole and in order, projected too. */
  @Test
  void aFileOfManyRowGroupsReadsBackEveryRow() throws IOException {
    Random random = new Random(29);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 20_000; id++) {
      rows.add(random.nextInt(7) == 0
          ? Row.withSchema(ALL).addValues(id, null, null, null, null, null, null, null).build()
          : Row.withSchema(ALL).addValues(id, random.nextInt(100), random.nextLong(), random.nextDouble(),
              random.nextFloat(), random.nextBoolean(), "v" + random.nextInt(5_000), new Instant(random.nextInt() * 1000L)).build());
    }
    org.apache.avro.Schema avro = AvroUtils.toAvroSchema(ALL);
    SerializableFunction<Row, GenericRecord> toRecord = AvroUtils.getRowToGenericRecordFunction(avro);
    String file = tmp.resolve("groups.parquet").toString();
    write(file, ParquetIO.sink(avro).withRowGroupSize(32 * 1024), rows.stream().map(toRecord::apply).toList());
    try (ParquetFileReader footer = ParquetFileReader.open(new ChannelInputFile(FileSystems.matchSingleFileSpec(file)))) {
      assertThat(footer.getRowGroups().size() > 5, is(true));
    }

    assertThat(read(file, ALL), is(rows));
    Schema two = Schema.builder().addNullableField("s", Schema.FieldType.STRING).addInt64Field("id").build();
    List<Row> projected = rows.stream().map(r -> Row.withSchema(two).addValues(r.getValue("s"), r.getValue("id")).build()).toList();
    assertThat(read(file, two), is(projected));
  }

  private String write(Schema schema, List<Row> rows) throws IOException {
    String file = tmp.resolve("rows.parquet").toString();
    write(file, RowParquetWriter.sink(schema), rows);
    return file;
  }

  private static <T> void write(String file, FileIO.Sink<T> sink, List<T> rows) throws IOException {
    try (WritableByteChannel channel = FileSystems.create(FileSystems.matchNewResource(file, false), MimeTypes.BINARY)) {
      sink.open(channel);
      for (T row : rows) {
        sink.write(row);
      }
      sink.flush();
    }
  }

  private static List<Row> read(String file, Schema columns) throws IOException {
    List<Row> rows = new ArrayList<>();
    ParquetFiles.forEachRow(FileSystems.matchSingleFileSpec(file), columns, EtlMetrics.read(), rows::add);
    return rows;
  }
}
