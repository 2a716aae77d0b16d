package dev.beametl.transforms.records;

import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The records of a file that start at or after {@code from} (null: the file's start, before its
 * header or layout is read) and before the byte offset {@code until}.
 */
public record RecordRange<P extends RecordPosition>(@Nullable P from, long until) implements Serializable {
  public static <P extends RecordPosition> RecordRange<P> wholeFile() {
    return new RecordRange<>(null, Long.MAX_VALUE);
  }

  public long startOffset() {
    return from == null ? 0 : from.offset();
  }
}
