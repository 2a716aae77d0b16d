package dev.beametl.transforms.records;

import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;

/**
 * A format's records as {@link ReadRecords} reads them: which file an element is, the range of its
 * records, and, for any part of that range, a reader with the parser of its records.
 *
 * @param <E> the element read: a file, or a planned range of one
 * @param <P> where a reader can resume
 * @param <R> a record as the format's reader returns it
 */
public interface RecordSource<E, P extends RecordPosition, R> extends Serializable {
  /** The file's name, as rejects and logs give it. */
  String file(E element);

  /** The schema of the parsed rows. */
  Schema rowSchema();

  /** The records of {@code element}. */
  RecordRange<P> range(E element);

  /** Parts of {@code range} to read on their own, in order; by default the range itself (planned before the read). */
  default List<RecordRange<P>> split(E element, RecordRange<P> range) throws IOException {
    return List.of(range);
  }

  /** A reader of {@code part} (the element's range, or what a checkpoint left of it), with its records' parser. */
  Part<P, R> open(E element, RecordRange<P> part) throws IOException;

  /** A position past every record (at {@link Long#MAX_VALUE}): claimed when none is left. */
  P end();

  /** What is logged for a file once its last record is read, {@code last} being the reader's final position. */
  default String summary(P last) {
    return last.records() + " records";
  }

  /** An open part: its reader, and the parser of its records (e.g. bound to the header the reader found). */
  record Part<P extends RecordPosition, R>(RecordReader<P, R> reader, RecordParser<R> parser) implements Closeable {
    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
