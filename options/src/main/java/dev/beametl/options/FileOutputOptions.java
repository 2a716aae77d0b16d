package dev.beametl.options;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** A pipeline that writes its result as files under a directory. */
public interface FileOutputOptions extends PipelineOptions {

  /** The file formats a pipeline can write; each pipeline says which it accepts. */
  enum OutputFormat {
    PARQUET,
    CSV,
    JSONL;

    /** Any case on the command line ({@code --outputFormat=csv}); Beam's own parsing wants the exact constant. */
    @JsonCreator
    public static OutputFormat parse(String name) {
      for (OutputFormat f : values()) {
        if (f.name().equalsIgnoreCase(name.trim())) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown output format '" + name + "': parquet, csv or jsonl");
    }
  }

  @Description("Output directory, local or s3://. Files are named part-NNNNN-of-NNNNN.<format>.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("Output file format: parquet (Snappy) or csv (with a header); some pipelines also take jsonl.")
  @Default.Enum("PARQUET")
  OutputFormat getOutputFormat();

  void setOutputFormat(OutputFormat value);

  @Description("Number of output files; 0 lets the pipeline choose (one file for small results).")
  @Default.Integer(0)
  int getOutputShards();

  void setOutputShards(int value);
}
