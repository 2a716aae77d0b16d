package dev.beametl.options;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Thresholds a run must meet to succeed, checked on its counts once the pipeline has finished and
 * before anything is published or any input is archived or deleted. A breached gate fails the run.
 */
public interface QualityGateOptions extends PipelineOptions {

  @Description("Fail the run if more records than this are rejected: a count (e.g. 100) or a percentage of "
      + "the records read (e.g. 1%). Default: no limit.")
  String getMaxRejected();

  void setMaxRejected(String value);

  @Description("Fail the run if it reads fewer records than this (e.g. 1, so that an empty daily drop is an error). "
      + "Default: no minimum.")
  Long getMinRecords();

  void setMinRecords(Long value);
}
