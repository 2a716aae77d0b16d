package dev.beametl.transforms.json;

import dev.beametl.transforms.csv.FileByteSource;
import dev.beametl.transforms.records.FileRecordSource;
import dev.beametl.transforms.records.RecordParser;
import dev.beametl.transforms.records.RecordRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;

/**
 * The records of JSON files ({@link JsonRecordReader}: arrays, wrapped arrays or JSON lines;
 * damage as records with a problem), each parsed by a {@link RecordParser}, for {@link
 * dev.beametl.transforms.records.ReadRecords}. JSON-lines files larger than the range size are
 * read in ranges, planned as the read's restrictions.
 */
public final class JsonFileRecords extends FileRecordSource<JsonRecordReader.Position, JsonRecordReader.Record> {
  /** As for CSV: a range's records fit in memory many times over, and opening a range is amortized. */
  public static final long DEFAULT_RANGE_BYTES = 8L << 20;

  /** Claimed when no record is left: finishes the file. */
  static final JsonRecordReader.Position FINISHED = new JsonRecordReader.Position(Long.MAX_VALUE, -1, -1, JsonRecordReader.Layout.LINES, true);

  private final RecordParser<JsonRecordReader.Record> parser;
  private final String arrayKey;
  private final int maxRecordBytes;
  private final long rangeBytes;

  private JsonFileRecords(RecordParser<JsonRecordReader.Record> parser, Schema rowSchema, String arrayKey, int maxRecordBytes, long rangeBytes) {
    super(rowSchema);
    if (rangeBytes <= 0) {
      throw new IllegalArgumentException("the read range size must be positive, not " + rangeBytes);
    }
    this.parser = parser;
    this.arrayKey = arrayKey;
    this.maxRecordBytes = maxRecordBytes;
    this.rangeBytes = rangeBytes;
  }

  /**
   * Records parsed by {@code parser} into rows of {@code rowSchema}; they may also be an array
   * under {@code arrayKey} (see {@link JsonRecordReader.Layout#WRAPPED}).
   */
  public static JsonFileRecords of(RecordParser<JsonRecordReader.Record> parser, Schema rowSchema, String arrayKey) {
    return new JsonFileRecords(parser, rowSchema, arrayKey, JsonRecordReader.DEFAULT_MAX_RECORD_BYTES, DEFAULT_RANGE_BYTES);
  }

  /** Records longer than this are {@link JsonRecordReader.Problem#TOO_LONG} (1 MiB by default). */
  public JsonFileRecords withMaxRecordBytes(int bytes) {
    return new JsonFileRecords(parser, rowSchema(), arrayKey, bytes, rangeBytes);
  }

  /**
   * JSON-lines files larger than this are read in ranges of about this size, each on its own
   * (in parallel, and on runners that hold a whole restriction's output, memory bounded by the
   * range). Cut only where a line starts, found by a first pass over the file that also gives the
   * record and line numbers there. Arrays, and compressed files, are read whole.
   */
  public JsonFileRecords withRangeBytes(long bytes) {
    return new JsonFileRecords(parser, rowSchema(), arrayKey, maxRecordBytes, bytes);
  }

  @Override
  public List<RecordRange<JsonRecordReader.Position>> split(FileIO.ReadableFile file, RecordRange<JsonRecordReader.Position> range)
      throws IOException {
    FileByteSource bytes = FileByteSource.of(file(file));
    if (range.from() != null || file.getMetadata().sizeBytes() <= rangeBytes || !bytes.seekable()) {
      return List.of(range);
    }
    try (JsonRecordReader reader = JsonRecordReader.open(bytes.openAt(0), arrayKey, maxRecordBytes)) {
      if (reader.layout() != JsonRecordReader.Layout.LINES) {
        return List.of(range);
      }
      // The first range starts at the file's start, so it finds the layout and counts the file.
      List<RecordRange<JsonRecordReader.Position>> ranges = new ArrayList<>();
      JsonRecordReader.Position start = null;
      long startOffset = 0;
      while (reader.next() != null) {
        JsonRecordReader.Position at = reader.position();
        if (!at.end() && at.offset() - startOffset >= rangeBytes) {
          ranges.add(new RecordRange<>(start, at.offset()));
          start = at;
          startOffset = at.offset();
        }
      }
      ranges.add(new RecordRange<>(start, range.until()));
      return ranges;
    }
  }

  @Override
  public Part<JsonRecordReader.Position, JsonRecordReader.Record> open(FileIO.ReadableFile file, RecordRange<JsonRecordReader.Position> part)
      throws IOException {
    JsonRecordReader.Position from = part.from();
    FileByteSource bytes = FileByteSource.of(file(file));
    JsonRecordReader reader = from == null
        ? JsonRecordReader.open(bytes.openAt(0), arrayKey, maxRecordBytes)
        : JsonRecordReader.resume(bytes.openAt(from.offset()), from, maxRecordBytes);
    return new Part<>(reader, parser);
  }

  @Override
  public JsonRecordReader.Position end() {
    return FINISHED;
  }

  @Override
  public String summary(JsonRecordReader.Position last) {
    return last.records() + " records (" + last.layout().name().toLowerCase(Locale.ROOT) + ")";
  }
}
