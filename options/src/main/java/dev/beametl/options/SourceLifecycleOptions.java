package dev.beametl.options;

import dev.beametl.transforms.files.AfterLoad;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** What happens to the input files once the run's output is durably written. */
public interface SourceLifecycleOptions extends PipelineOptions {

  @Description("After a successful load: keep, archive (move under --archiveTo) or delete the input files.")
  @Default.Enum("KEEP")
  AfterLoad getAfterLoad();

  void setAfterLoad(AfterLoad value);

  @Description("Prefix the inputs are moved under with --afterLoad=archive (local dir or s3://bucket/prefix/).")
  String getArchiveTo();

  void setArchiveTo(String value);
}
