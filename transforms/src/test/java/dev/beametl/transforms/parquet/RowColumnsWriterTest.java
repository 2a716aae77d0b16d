package dev.beametl.transforms.parquet;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.beametl.transforms.EtlMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page encoder against parquet-mr's readers: every file is read back by parquet-avro's record
 * reader (parquet-mr's own decoding, independent of ours) and by {@link RowColumnsReader}.
 */
class RowColumnsWriterTest {
  static final Schema ALL = ParquetRoundTripTest.ALL;

  @TempDir Path tmp;

  @Test
  void theHybridEncodingDecodesAsParquetMrDecodesItForEveryWidthAndRunShape() throws IOException {
    Random random = new Random(7);
    for (int bitWidth = 0; bitWidth <= 24; bitWidth++) {
      int most = bitWidth == 0 ? 0 : (1 << bitWidth) - 1;
      for (int shape = 0; shape < 6; shape++) {
        int[] values = new int[random.nextInt(3_000)];
        for (int i = 0; i < values.length; i++) {
          values[i] = switch (shape) {
            case 0 -> random.nextInt(most + 1);                                          // no runs
            case 1 -> i / 37 % 2 == 0 ? most : 0;                                       // long runs
            case 2 -> random.nextInt(5) == 0 ? random.nextInt(most + 1) : most;         // runs broken now and then
            case 3 -> i % 9 == 0 ? 0 : most;                                            // runs of exactly 8
            case 4 -> (i / (1 + random.nextInt(12))) % 2 == 0 ? 1 & most : 0;          // runs around 8
            default -> most;                                                            // one run
          };
        }
        RowColumnsWriter.PageBuffer out = new RowColumnsWriter.PageBuffer();
        RowColumnsWriter.Hybrid.encode(values, 0, values.length, bitWidth, out);
        RunLengthBitPackingHybridDecoder decoder = new RunLengthBitPackingHybridDecoder(bitWidth,
            ByteBufferInputStream.wrap(ByteBuffer.wrap(out.bytes().toByteArray())));
        int[] decoded = new int[values.length];
        for (int i = 0; i < decoded.length; i++) {
          decoded[i] = decoder.readInt();
        }
        assertThat("width " + bitWidth + ", shape " + shape, decoded, is(values));
      }
    }
  }

  @Test
  void everyTypeNullPatternAndCardinalityReadsBackAcrossPages() throws IOException {
    Random random = new Random(11);
    // Sizes around the page limit (20,000 rows) and around a hybrid group (8).
    for (int size : new int[] {0, 1, 7, 8, 9, 20_000, 20_001, 45_123}) {
      for (int pattern = 0; pattern < 5; pattern++) {
        int p = pattern;
        IntFunction<Boolean> isNull = i -> switch (p) {
          case 0 -> false;
          case 1 -> true;
          case 2 -> i % 2 == 0;
          case 3 -> i / 100 % 3 == 0;
          default -> random.nextInt(10) == 0;
        };
        int distinct = pattern % 2 == 0 ? 3 : Integer.MAX_VALUE; // a dictionary, or values all different
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          rows.add(isNull.apply(i)
              ? Row.withSchema(ALL).addValues((long) i, null, null, null, null, null, null, null).build()
              : Row.withSchema(ALL).addValues((long) i, pick(random, distinct, Random::nextInt), pick(random, distinct, Random::nextLong),
                  pick(random, distinct, Random::nextDouble), pick(random, distinct, Random::nextFloat), random.nextBoolean(),
                  pick(random, distinct, r -> "s" + r.nextLong()), new Instant(pick(random, distinct, r -> r.nextLong() >> 20))).build());
        }
        Path file = write(rows, 1L << 27);
        assertThat(size + " rows, pattern " + pattern, readThroughAvro(file), is(records(rows)));
        assertThat(size + " rows, pattern " + pattern, readRows(file), is(rows));
      }
    }
  }

  @Test
  void aColumnOfFewValuesIsADictionaryAndOneOfAllDifferentValuesIsPlain() throws IOException {
    Schema two = Schema.builder().addNullableDoubleField("few").addNullableInt64Field("unique").addNullableStringField("flag").build();
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 50_000; i++) {
      rows.add(Row.withSchema(two).addValues(random.nextInt(40) / 4.0, random.nextLong(), random.nextBoolean() ? "Y" : "N").build());
    }
    Path file = tmp.resolve("two.parquet");
    RowColumnsWriter writer = new RowColumnsWriter(HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()), two);
    for (Row row : rows) {
      writer.write(row);
    }
    writer.close();

    List<ColumnChunkMetaData> columns = footer(file).get(0).getColumns();
    assertThat(columns.get(0).getEncodings(), hasItem(Encoding.PLAIN_DICTIONARY));
    assertThat(columns.get(1).getEncodings(), not(hasItem(Encoding.PLAIN_DICTIONARY)));
    assertThat(columns.get(2).getEncodings(), hasItem(Encoding.PLAIN_DICTIONARY));
    List<Row> back = new ArrayList<>();
    ParquetFiles.forEachRow(FileSystems.matchSingleFileSpec(file.toString()), two, EtlMetrics.read(), back::add);
    assertThat(back, is(rows));
  }

  @Test
  void aDictionaryThatOutgrowsAMebibyteLeavesTheRestOfItsChunkPlainAndTheNextChunkStartsAfresh() throws IOException {
    Schema one = Schema.builder().addNullableInt64Field("n").build();
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 600_000; i++) {
      // A first page of ten values (the dictionary pays), then values all different (it passes 1 MiB on the 8th page), scattered so that Snappy leaves their size.
      long n = i % 300_000 < 20_000 ? i % 10 : i * 0x9E3779B97F4A7C15L;
      rows.add(Row.withSchema(one).addValues(i % 1_000 == 0 ? null : n).build());
    }
    Path file = tmp.resolve("grows.parquet");
    RowColumnsWriter writer = new RowColumnsWriter(
        HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()), one, 2L << 20);
    for (Row row : rows) {
      writer.write(row);
    }
    writer.close();

    List<BlockMetaData> groups = footer(file);
    assertThat(groups.size() > 1, is(true));
    assertThat(groups.get(0).getColumns().get(0).getEncodings(), hasItem(Encoding.PLAIN_DICTIONARY));
    assertThat(groups.get(0).getColumns().get(0).getEncodings(), hasItem(Encoding.PLAIN));
    List<Row> back = new ArrayList<>();
    ParquetFiles.forEachRow(FileSystems.matchSingleFileSpec(file.toString()), one, EtlMetrics.read(), back::add);
    assertThat(back, is(rows));
    List<GenericRecord> records = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new ChannelInputFile(FileSystems.matchSingleFileSpec(file.toString()))).build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        records.add(r);
      }
    }
    SerializableFunction<Row, GenericRecord> toRecord = AvroUtils.getRowToGenericRecordFunction(AvroUtils.toAvroSchema(one));
    assertThat(records, is(rows.stream().map(toRecord::apply).toList()));
  }

  @Test
  void rowGroupsAreCutAtTheirSizeAndPagesOfLongStringsAtAMebibyte() throws IOException {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 3_000; i++) {
      char[] text = new char[1 + random.nextInt(4_000)];
      for (int c = 0; c < text.length; c++) {
        text[c] = (char) ('a' + random.nextInt(26));
      }
      rows.add(Row.withSchema(ALL).addValues(i, (int) i, i, (double) i, (float) i, i % 2 == 0, new String(text) + i, new Instant(i)).build());
    }
    Path file = write(rows, 1L << 20);

    try (ParquetFileReader reader = ParquetFileReader.open(new ChannelInputFile(FileSystems.matchSingleFileSpec(file.toString())))) {
      // Sizes are checked every 1,000 rows; 1,000 rows of random strings are about 2 MB, 2 pages or more.
      assertThat(reader.getRowGroups().size(), is(3));
      ColumnChunkMetaData strings = reader.getRowGroups().get(0).getColumns().get(6);
      assertThat(reader.readOffsetIndex(strings).getPageCount() >= 2, is(true));
    }
    assertThat(readThroughAvro(file), is(records(rows)));
    assertThat(readRows(file), is(rows));
  }

  /** Any value, or one of {@code distinct} values (a seed drawn from that many). */
  private static <T> T pick(Random random, int distinct, Function<Random, T> value) {
    return value.apply(distinct == Integer.MAX_VALUE ? random : new Random(random.nextInt(distinct)));
  }

  private Path write(List<Row> rows, long rowGroupBytes) throws IOException {
    Path file = tmp.resolve("rows-" + System.nanoTime() + ".parquet");
    RowColumnsWriter writer = new RowColumnsWriter(
        HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()), ALL, rowGroupBytes);
    for (Row row : rows) {
      writer.write(row);
    }
    writer.close();
    return file;
  }

  private static List<BlockMetaData> footer(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new ChannelInputFile(FileSystems.matchSingleFileSpec(file.toString())))) {
      return reader.getRowGroups();
    }
  }

  private static List<GenericRecord> records(List<Row> rows) {
    SerializableFunction<Row, GenericRecord> toRecord = AvroUtils.getRowToGenericRecordFunction(AvroUtils.toAvroSchema(ALL));
    return rows.stream().map(toRecord::apply).toList();
  }

  private static List<GenericRecord> readThroughAvro(Path file) throws IOException {
    List<GenericRecord> records = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new ChannelInputFile(FileSystems.matchSingleFileSpec(file.toString()))).build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        records.add(r);
      }
    }
    return records;
  }

  private static List<Row> readRows(Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    ParquetFiles.forEachRow(FileSystems.matchSingleFileSpec(file.toString()), ALL, EtlMetrics.read(), rows::add);
    return rows;
  }
}
