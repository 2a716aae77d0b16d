package dev.beametl.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** A pipeline that reads files named by a path or glob. */
public interface InputOptions extends PipelineOptions {

  @Description("Input files: a path or glob, local or s3://. Several patterns may be separated by commas.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("CSV files larger than this many bytes are read in ranges of about this size, in parallel "
      + "and with memory bounded by the range (records are never cut: a range starts where a record starts).")
  @Default.Long(8L << 20)
  long getReadRangeBytes();

  void setReadRangeBytes(long value);
}
