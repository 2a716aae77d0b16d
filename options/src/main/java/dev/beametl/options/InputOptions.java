package dev.beametl.options;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** A pipeline that reads files named by a path or glob. */
public interface InputOptions extends PipelineOptions {

  @Description("Input files: a path or glob, local or s3://. Several patterns may be separated by commas.")
  @Validation.Required
  String getInput();

  void setInput(String value);
}
