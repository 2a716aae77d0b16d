package dev.beametl.transforms.records;

import dev.beametl.transforms.rejects.Reject;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A format's records as {@link ReadRecords} reads them: which file an element is, the range of its
 * records, and a reader of any part of that range that parses each record into a row or a reject.
 *
 * @param <E> the element read: a file, or a planned range of one
 * @param <P> where a reader can resume
 */
public interface RecordSource<E, P extends RecordPosition> extends Serializable {
  /** The file's name, as rejects and logs give it. */
  String file(E element);

  /** The schema of the rows. */
  Schema rowSchema();

  /** The records of {@code element}. */
  RecordRange<P> range(E element);

  /** Parts of {@code range} to read on their own, in order; by default the range itself (planned before the read). */
  default List<RecordRange<P>> split(E element, RecordRange<P> range) throws IOException {
    return List.of(range);
  }

  /** A reader of the records of {@code part}: the element's range, or what a checkpoint left of it. */
  Reader<P> open(E element, RecordRange<P> part) throws IOException;

  /** The records of one part of a file, each as its outcome. */
  interface Reader<P extends RecordPosition> extends Closeable {
    /** The next record as a row or a reject (exactly one of the two non-null); null when none is left. */
    @Nullable KV<Row, Reject> next() throws IOException;

    /** Where the next record starts. */
    P position();

    /** A position past every record (at {@link Long#MAX_VALUE}): claimed when none is left. */
    P end();

    /** What is logged for a file once its last record is read. */
    default String summary() {
      return position().records() + " records";
    }
  }
}
