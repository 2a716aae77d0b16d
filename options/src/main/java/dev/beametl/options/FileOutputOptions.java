package dev.beametl.options;

import dev.beametl.transforms.files.OutputFormat;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** A pipeline that writes its result as files under a directory. */
public interface FileOutputOptions extends PipelineOptions {

  @Description("Output directory, local or s3://. Files are named part-NNNNN-of-NNNNN.<format>.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("Output file format: parquet (Snappy), csv (with a header) or jsonl (JSON lines), of those the pipeline writes.")
  @Default.Enum("PARQUET")
  OutputFormat getOutputFormat();

  void setOutputFormat(OutputFormat value);

  @Description("Number of output files; 0 lets the pipeline choose (one file for small results).")
  @Default.Integer(0)
  int getOutputShards();

  void setOutputShards(int value);
}
