package dev.beametl.transforms.records;

import java.io.Closeable;
import java.io.IOException;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A format's reader of one part of a file: its records in order, and where it is between two of them. */
public interface RecordReader<P extends RecordPosition, R> extends Closeable {
  /** The next record, or null at the end of the file (or of the part, for a reader that knows it). */
  @Nullable R next() throws IOException;

  /** Where the next record starts: just after the last one returned. */
  P position();
}
