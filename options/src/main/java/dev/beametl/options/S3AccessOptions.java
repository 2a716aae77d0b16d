package dev.beametl.options;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** S3 settings beyond Beam's own ({@code --awsRegion}, {@code --endpoint}). */
public interface S3AccessOptions extends S3Options {

  @Description("Address S3 buckets by path (http://host/bucket/key) instead of by virtual host. "
      + "Needed by most S3-compatible servers given with --endpoint.")
  @Default.Boolean(false)
  boolean getS3PathStyleAccess();

  void setS3PathStyleAccess(boolean value);
}
