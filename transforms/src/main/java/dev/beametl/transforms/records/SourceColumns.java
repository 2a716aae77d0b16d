package dev.beametl.transforms.records;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A row's lineage, added by the readers on request: the file it was read from and its 1-based
 * record number there (a natural key), whatever the format.
 */
public final class SourceColumns {
  public static final String FILE = "source_file";
  public static final String RECORD = "source_record";

  private SourceColumns() {}

  /** {@code schema} with the two lineage columns at the end. */
  public static Schema addedTo(Schema schema) {
    return Schema.builder().addFields(schema.getFields()).addStringField(FILE).addInt64Field(RECORD).build();
  }

  /** The file a row came from; null when the row carries no lineage. */
  public static @Nullable String file(Row row) {
    return row.getSchema().hasField(FILE) ? row.getString(FILE) : null;
  }

  /** The row's record number in its file; 0 when the row carries no lineage (as in a {@code Reject}). */
  public static long record(Row row) {
    Object record = row.getSchema().hasField(RECORD) ? row.getValue(RECORD) : null;
    return record instanceof Number n ? n.longValue() : 0;
  }
}
