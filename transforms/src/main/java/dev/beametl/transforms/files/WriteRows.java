package dev.beametl.transforms.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.parquet.RowParquetWriter;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.WritableByteChannel;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.util.RowJson;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/**
 * Writes rows as files under a directory: Parquet (Snappy, schema from the rows), CSV with a
 * header, or JSON lines. Files appear under their final names only once the write is complete,
 * so a reader never sees a half-written output. Empty input writes no file, except with
 * {@link #sortedBy}, which always writes its one file. Outputs the names of the files written.
 */
public final class WriteRows extends PTransform<PCollection<Row>, PCollection<String>> {
  private static final DateTimeFormatter CSV_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CSV_TIMESTAMP_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private final String directory;
  private final OutputFormat format;
  private final int shards;
  /** Null: written as FileIO shards; otherwise one file, sorted by these fields. */
  private final @Nullable List<String> sortFields;
  private final boolean countWritten;

  private WriteRows(String directory, OutputFormat format, int shards, @Nullable List<String> sortFields, boolean countWritten) {
    this.directory = directory;
    this.format = format;
    this.shards = shards;
    this.sortFields = sortFields;
    this.countWritten = countWritten;
  }

  public static WriteRows to(String directory, OutputFormat format) {
    return new WriteRows(directory, format, 0, null, false);
  }

  /** Counts each row as {@code written} (for a pipeline whose output is these files). */
  public WriteRows countingWritten() {
    return new WriteRows(directory, format, shards, sortFields, true);
  }

  /** A fixed number of files; 0 (the default) lets the runner choose. Undoes {@link #sortedBy}. */
  public WriteRows withNumShards(int shards) {
    if (shards < 0) {
      throw new IllegalArgumentException("shards must be >= 0, got " + shards);
    }
    return new WriteRows(directory, format, shards, null, countWritten);
  }

  /**
   * One file whose rows are sorted by these fields (ascending, nulls first; no fields: in no
   * particular order), written even when there are no rows. Every row is gathered on one worker:
   * for small results such as summaries.
   */
  public WriteRows sortedBy(List<String> fields) {
    return new WriteRows(directory, format, 1, List.copyOf(fields), countWritten);
  }

  @Override
  public PCollection<String> expand(PCollection<Row> rows) {
    if (countWritten) {
      rows = rows.apply("CountWritten", ParDo.of(EtlMetrics.countWritten())).setRowSchema(rows.getSchema());
    }
    Schema schema = rows.getSchema();
    Encoding<?> encoding = encoding(schema);
    String suffix = "." + format.name().toLowerCase(Locale.ROOT);
    if (sortFields == null) {
      return rows.apply("Write" + format, unsorted(encoding).to(directory).withPrefix("part").withSuffix(suffix).withNumShards(shards))
          .getPerDestinationOutputFilenames()
          .apply("FileNames", Values.create());
    }
    // Combine.globally yields its (empty) list even for empty input; the one file is written from
    // that single list, in order (a FileIO shard would not keep the order).
    String file = FileSystems.matchNewResource(directory, true).resolve("part-00000-of-00001" + suffix, StandardResolveOptions.RESOLVE_FILE).toString();
    return rows.apply("GatherSorted", Combine.globally(new SortedList(schema, sortFields)))
        .apply("Write" + format, WriteOneFile.to(file, new EachRowSink<>(encoding)));
  }

  /** How rows of one format are turned into file content: a per-row conversion and a sink for its result. */
  private record Encoding<T>(SerializableFunction<Row, T> toOutput, FileIO.Sink<T> sink) implements Serializable {}

  private Encoding<?> encoding(Schema schema) {
    switch (format) {
      case PARQUET:
        org.apache.avro.Schema avro = AvroUtils.toAvroSchema(schema);
        SerializableFunction<Row, GenericRecord> toRecord = AvroUtils.getRowToGenericRecordFunction(avro);
        return new Encoding<>(toRecord, RowParquetWriter.avroSink(avro));
      case CSV:
        return new Encoding<>(WriteRows::toCsvLine, TextIO.sink().withHeader(csvHeader(schema)));
      case JSONL:
        return new Encoding<>(new ToJsonLine(schema), TextIO.sink());
      default:
        throw new IllegalArgumentException("unsupported output format " + format);
    }
  }

  private static <T> FileIO.Write<Void, Row> unsorted(Encoding<T> encoding) {
    return FileIO.<Row>write().via(Contextful.fn(encoding.toOutput()), encoding.sink());
  }

  static String csvHeader(Schema schema) {
    return csv(schema.getFieldNames().toArray());
  }

  /** One row as a CSV line: nulls empty, timestamps {@code yyyy-MM-dd HH:mm:ss[.SSS]} UTC (millis when not zero). */
  static String toCsvLine(Row row) {
    Object[] values = new Object[row.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      Object v = row.getValue(i);
      if (v instanceof ReadableInstant instant) {
        long millis = instant.getMillis();
        v = (millis % 1000 == 0 ? CSV_TIMESTAMP : CSV_TIMESTAMP_MILLIS).format(java.time.Instant.ofEpochMilli(millis));
      }
      values[i] = v;
    }
    return csv(values);
  }

  private static String csv(Object[] values) {
    StringWriter out = new StringWriter();
    try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator("").build())) {
      printer.printRecord(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** One row as a JSON object (Beam's row JSON: nulls as null, timestamps ISO-8601 UTC). */
  private static final class ToJsonLine implements SerializableFunction<Row, String> {
    private final Schema schema;
    private transient ObjectMapper json;

    ToJsonLine(Schema schema) {
      RowJson.verifySchemaSupported(schema);
      this.schema = schema;
    }

    @Override
    public String apply(Row row) {
      if (json == null) {
        json = new ObjectMapper().registerModule(new SimpleModule().addSerializer(Row.class, RowJson.RowJsonSerializer.forSchema(schema)));
      }
      try {
        return json.writeValueAsString(row);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write row as JSON: " + row, e);
      }
    }
  }

  /** Gathers every row into one list, sorted at the end. */
  private static final class SortedList extends Combine.CombineFn<Row, List<Row>, List<Row>> {
    private final List<String> fields;

    SortedList(Schema schema, List<String> fields) {
      for (String field : fields) {
        Schema.TypeName type = schema.getField(field).getType().getTypeName();
        if (!(type.isNumericType() || type == Schema.TypeName.STRING || type == Schema.TypeName.BOOLEAN || type == Schema.TypeName.DATETIME)) {
          throw new IllegalArgumentException("cannot sort by " + field + " of type " + type);
        }
      }
      this.fields = fields;
    }

    /** Ascending by each field in turn, nulls first. */
    private int compare(Row a, Row b) {
      for (String field : fields) {
        Comparable<Object> x = a.getValue(field);
        Comparable<Object> y = b.getValue(field);
        int c = x == null ? (y == null ? 0 : -1) : (y == null ? 1 : x.compareTo(y));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }

    @Override
    public List<Row> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<Row> addInput(List<Row> rows, Row row) {
      rows.add(row);
      return rows;
    }

    @Override
    public List<Row> mergeAccumulators(Iterable<List<Row>> lists) {
      List<Row> all = new ArrayList<>();
      lists.forEach(all::addAll);
      return all;
    }

    @Override
    public Coder<List<Row>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> rowCoder) {
      return ListCoder.of(rowCoder);
    }

    @Override
    public Coder<List<Row>> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> rowCoder) {
      return ListCoder.of(rowCoder);
    }

    @Override
    public List<Row> extractOutput(List<Row> rows) {
      List<Row> sorted = new ArrayList<>(rows);
      sorted.sort(this::compare);
      return sorted;
    }
  }

  /** Writes each row of a list, in list order, through a format's sink. */
  private static final class EachRowSink<T> implements FileIO.Sink<List<Row>> {
    private final Encoding<T> encoding;

    EachRowSink(Encoding<T> encoding) {
      this.encoding = encoding;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      encoding.sink().open(channel);
    }

    @Override
    public void write(List<Row> rows) throws IOException {
      for (Row row : rows) {
        encoding.sink().write(encoding.toOutput().apply(row));
      }
    }

    @Override
    public void flush() throws IOException {
      encoding.sink().flush();
    }
  }
}
