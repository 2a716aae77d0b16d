package dev.beametl.transforms.csv;

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

  /** A reader of this range's records. */
  public CsvFileReader open() throws IOException {
    FileByteSource source = FileByteSource.of(file);
    return start == null ? CsvFileReader.open(source) : CsvFileReader.openRange(source, header, headerBadEncoding, start, end);
  }

  /** Orders the parts of the outputs like the inputs: by file, then by range. */
  String sortKey() {
    return start == null ? file : String.format("%s#%09d", file, index);
  }
}
