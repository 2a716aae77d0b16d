package dev.beametl.transforms.records;

import dev.beametl.transforms.rejects.Reject;
import java.io.Serializable;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/** Turns one record of a format into a row or a reject (e.g. a CSV header's binding, or a JSON ride). */
@FunctionalInterface
public interface RecordParser<R> extends Serializable {
  /** The outcome of {@code record} of {@code file}: a row or a reject, exactly one of the two non-null. */
  KV<Row, Reject> parse(String file, R record);
}
