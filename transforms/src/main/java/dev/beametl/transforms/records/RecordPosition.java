package dev.beametl.transforms.records;

import java.io.Serializable;

/**
 * Where a reader is between two records of a file: all it needs to resume there with the same
 * record numbers. A position at {@link Long#MAX_VALUE} is past every record: claiming it says a
 * range has no record left ({@link RecordTracker}).
 */
public interface RecordPosition extends Serializable {
  /** The byte offset where the next record starts. */
  long offset();

  /** The records read before this position. */
  long records();
}
