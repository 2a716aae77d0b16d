package dev.beametl.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Daily runs over inputs that stay where they landed: read only what is new or changed since the
 * last successful run into the same target, which records what it read in the same commit as its
 * output.
 */
public interface IncrementalOptions extends PipelineOptions {

  @Description("Read only the --input files that are new, or changed (size or modification time), since the last "
      + "successful run into the same target; the others are skipped. Rows of a changed file replace its earlier rows.")
  @Default.Boolean(false)
  boolean getIncremental();

  void setIncremental(boolean value);

  @Description("With --incremental: a glob of input files to read again even if unchanged (a backfill), "
      + "e.g. s3://bucket/loans/2024-03-*.csv.")
  String getReprocess();

  void setReprocess(String value);
}
