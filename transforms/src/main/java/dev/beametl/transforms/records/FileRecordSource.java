package dev.beametl.transforms.records;

import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.schemas.Schema;

/** A {@link RecordSource} whose elements are whole files, each one range from its start (a format may still split it). */
public abstract class FileRecordSource<P extends RecordPosition, R> implements RecordSource<FileIO.ReadableFile, P, R> {
  private final Schema rowSchema;

  protected FileRecordSource(Schema rowSchema) {
    this.rowSchema = rowSchema;
  }

  @Override
  public final String file(FileIO.ReadableFile file) {
    return file.getMetadata().resourceId().toString();
  }

  @Override
  public final Schema rowSchema() {
    return rowSchema;
  }

  @Override
  public final RecordRange<P> range(FileIO.ReadableFile file) {
    return RecordRange.wholeFile();
  }
}
