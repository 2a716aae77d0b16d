package dev.beametl.transforms.parquet;

import dev.beametl.transforms.records.FileRecordSource;
import dev.beametl.transforms.records.RecordPosition;
import dev.beametl.transforms.records.RecordRange;
import dev.beametl.transforms.records.RecordReader;
import dev.beametl.transforms.rejects.Reject;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of Parquet files, each read whole, typed by {@link RecordToRow}; for the record loop
 * of {@link ReadParquetRows}. Content that is not valid Parquet ends the file as one record with
 * its failure, parsed into an {@code unreadable_file} reject (or thrown, when strict).
 */
final class ParquetFileRecords extends FileRecordSource<ParquetFileRecords.Position, ParquetFileRecords.Record> {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetFileRecords.class);
  private static final Position END = new Position(Long.MAX_VALUE);

  /** Between two records of a file read whole: a record count stands for the byte offset. */
  record Position(long records) implements RecordPosition {
    @Override
    public long offset() {
      return records;
    }
  }

  /** The {@code number}th record (1-based), or the failure that ended the file after {@code number} good ones. */
  record Record(long number, @Nullable GenericRecord record, @Nullable RuntimeException failure) {}

  private final RecordToRow converter;
  private final boolean sourceColumns;
  private final boolean strict;
  private final String step;

  ParquetFileRecords(RecordToRow converter, Schema rowSchema, boolean sourceColumns, boolean strict, String step) {
    super(rowSchema);
    this.converter = converter;
    this.sourceColumns = sourceColumns;
    this.strict = strict;
    this.step = step;
  }

  @Override
  public Part<Position, Record> open(FileIO.ReadableFile file, RecordRange<Position> part) throws IOException {
    String source = file(file);
    ParquetFiles.Reader reader;
    try {
      reader = ParquetFiles.open(file.getMetadata(), Set.copyOf(converter.schema().getFieldNames()));
    } catch (IOException e) {
      throw new IOException("cannot read " + source + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      return new Part<>(new Records(source, null, e), this::parse);
    }
    try {
      checkColumns(source, reader.fileSchema());
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
    return new Part<>(new Records(source, reader, null), this::parse);
  }

  @Override
  public Position end() {
    return END;
  }

  private KV<Row, Reject> parse(String source, Record record) {
    if (record.failure() != null) {
      return unreadable(source, record.number(), record.failure());
    }
    RecordToRow.Result result = converter.convert(record.record());
    if (result.row() != null) {
      return KV.of(sourceColumns ? withSource(result.row(), source, record.number()) : result.row(), null);
    }
    RecordToRow.Problem p = result.problem();
    if (strict) {
      throw new IllegalStateException(String.format("%s record %d: column %s: %s", source, record.number(), p.column(), p.detail()));
    }
    return KV.of(null, new Reject(step, p.reason(), p.column(), p.detail(), source, record.number(), record.record().toString()));
  }

  private void checkColumns(String source, org.apache.avro.Schema fileSchema) {
    List<String> missing = converter.missingColumns(fileSchema);
    if (strict && !missing.isEmpty()) {
      throw new IllegalStateException(source + " has no column(s) " + missing);
    }
    if (!missing.isEmpty()) {
      LOG.warn("{}: no column(s) {}; they are read as nulls", source, missing);
    }
    List<String> unknown = converter.unknownColumns(fileSchema);
    if (!unknown.isEmpty() && !strict) {
      LOG.warn("{}: column(s) {} are not part of the output and are not read", source, unknown);
    }
  }

  /** The file failed after {@code records} good records: one reject for the rest of it. */
  private KV<Row, Reject> unreadable(String source, long records, RuntimeException e) {
    if (strict) {
      throw new IllegalStateException("cannot read " + source + ": " + e, e);
    }
    LOG.error("{}: unreadable after {} records: {}", source, records, e.toString());
    String detail = (records == 0 ? "" : "after " + records + " records: ") + e;
    return KV.of(null, new Reject(step, ReadParquetRows.UNREADABLE_FILE, null, detail, source, 0, null));
  }

  private Row withSource(Row row, String source, long record) {
    return Row.withSchema(rowSchema()).addValues(row.getValues()).addValues(source, record).build();
  }

  /** A file's records, then the failure that ends it if any; an I/O error is thrown instead, naming the file. */
  private static final class Records implements RecordReader<Position, Record> {
    private final String source;
    private final ParquetFiles.@Nullable Reader reader;
    private @Nullable RuntimeException failure;
    private long records;
    private boolean done;

    /** Of an open {@code reader}, or of a file that could not be opened for {@code failure}. */
    Records(String source, ParquetFiles.@Nullable Reader reader, @Nullable RuntimeException failure) {
      this.source = source;
      this.reader = reader;
      this.failure = failure;
    }

    @Override
    public @Nullable Record next() throws IOException {
      if (failure != null) {
        RuntimeException e = failure;
        failure = null;
        done = true;
        return new Record(records, null, e);
      }
      if (done || reader == null) {
        return null;
      }
      GenericRecord record;
      try {
        record = reader.next();
      } catch (IOException e) {
        throw new IOException("cannot read " + source + " after " + records + " records: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        done = true;
        return new Record(records, null, e);
      }
      if (record == null) {
        done = true;
        return null;
      }
      return new Record(++records, record, null);
    }

    @Override
    public Position position() {
      return new Position(records);
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        reader.close();
      }
    }
  }
}
