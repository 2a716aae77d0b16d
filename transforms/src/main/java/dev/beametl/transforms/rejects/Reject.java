package dev.beametl.transforms.rejects;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A record that could not be processed, with enough context to find and fix it: the step that
 * refused it, why, the column at fault, where it came from and its original text.
 */
@DefaultSchema(JavaFieldSchema.class)
public final class Reject {
  /** The pipeline step that refused the record, e.g. {@code parse}. */
  public final String step;
  /** A short machine-readable reason, e.g. {@code unparsable_value}; counted per reason in the report. */
  public final String reason;
  public final @Nullable String column;
  /** A human-readable explanation. */
  public final @Nullable String detail;
  /** The source file (or object) the record came from. */
  public final @Nullable String source;
  /** The record's position in its source (1-based data record number; 0 when it is the whole file). */
  public final long record;
  /** The record as it was read. */
  public final @Nullable String original;

  @SchemaCreate
  public Reject(
      String step,
      String reason,
      @Nullable String column,
      @Nullable String detail,
      @Nullable String source,
      long record,
      @Nullable String original) {
    this.step = Objects.requireNonNull(step, "step");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.column = column;
    this.detail = detail;
    this.source = source;
    this.record = record;
    this.original = original;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Reject r && fields().equals(r.fields());
  }

  @Override
  public int hashCode() {
    return fields().hashCode();
  }

  private List<Object> fields() {
    return Arrays.asList(step, reason, column, detail, source, record, original);
  }

  @Override
  public String toString() {
    return String.format("%s:%d %s/%s %s: %s", source, record, step, reason, column, detail);
  }
}
