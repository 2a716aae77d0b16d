package dev.beametl.launcher;

import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The Spark runner's batch tuning options a launch request may pass through. They mirror, by name
 * and type, properties of Beam's {@code SparkPipelineOptions} (not on the launcher's classpath), so
 * their values are type-checked before a cluster exists. {@code sparkMaster} is not here: on EMR
 * spark-submit decides it.
 */
public interface SparkTuningOptions extends PipelineOptions {

  String getStorageLevel();

  void setStorageLevel(String value);

  Long getBundleSize();

  void setBundleSize(Long value);

  boolean isCacheDisabled();

  void setCacheDisabled(boolean value);

  Boolean getEnableSparkMetricSinks();

  void setEnableSparkMetricSinks(Boolean value);
}
