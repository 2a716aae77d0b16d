package dev.beametl.transforms.csv;

import dev.beametl.transforms.records.RecordRange;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A part of one CSV file to read on its own: the records that start at or after {@code start}
 * and before the byte offset {@code end}, with the file's header (each range binds it alike). A
 * null {@code start} is the whole file, header included (small or compressed files).
 */
public record CsvFileRange(
    String file, int index, CsvFileReader.@Nullable Position start, long end, List<String> header, boolean headerBadEncoding)
    implements Serializable {

  static CsvFileRange wholeFile(String file) {
    return new CsvFileRange(file, 0, null, Long.MAX_VALUE, List.of(), false);
  }

  /** This range's records, for {@link dev.beametl.transforms.records.RecordTracker}. */
  RecordRange<CsvFileReader.Position> range() {
    return new RecordRange<>(start, end);
  }

  /** A reader of this range's records. */
  public CsvFileReader open() throws IOException {
    return open(range());
  }

  /** A reader of the records of {@code part} (this range, or what a checkpoint left of it). */
  CsvFileReader open(RecordRange<CsvFileReader.Position> part) throws IOException {
    FileByteSource source = FileByteSource.of(file);
    if (part.from() == null) {
      return CsvFileReader.open(source);
    }
    if (start == null) {
      // The rest of a whole-file range: its header is read again from the file's start.
      try (CsvFileReader whole = CsvFileReader.open(source)) {
        return CsvFileReader.openRange(source, whole.header(), whole.headerBadEncoding(), part.from(), part.until());
      }
    }
    return CsvFileReader.openRange(source, header, headerBadEncoding, part.from(), part.until());
  }

  /** Orders the parts of the outputs like the inputs: by file, then by range. */
  String sortKey() {
    return start == null ? file : String.format("%s#%09d", file, index);
  }
}
