package dev.beametl.options;

import dev.beametl.transforms.csv.OnBadHeader;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** A pipeline that reads CSV files whose header must fit its columns. */
public interface CsvHeaderOptions extends PipelineOptions {

  @Description("A file whose header lacks a column or has an unknown one: fail (the run fails before anything is "
      + "loaded, naming the file and the columns) or reject (the file's header and records go to the rejects as "
      + "bad_header; the other files load).")
  @Default.Enum("FAIL")
  OnBadHeader getOnBadHeader();

  void setOnBadHeader(OnBadHeader value);
}
