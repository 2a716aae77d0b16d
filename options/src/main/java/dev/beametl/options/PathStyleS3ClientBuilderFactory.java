package dev.beametl.options;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Beam's S3 client, plus path-style addressing when {@code --s3PathStyleAccess} asks for it. */
public class PathStyleS3ClientBuilderFactory extends DefaultS3ClientBuilderFactory {

  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    return super.createBuilder(options).forcePathStyle(options.as(S3AccessOptions.class).getS3PathStyleAccess());
  }

  /** Installs this factory on {@code options} when path-style access is on and no other factory was chosen. */
  public static void install(S3AccessOptions options) {
    if (options.getS3PathStyleAccess() && options.getS3ClientFactoryClass() == DefaultS3ClientBuilderFactory.class) {
      options.setS3ClientFactoryClass(PathStyleS3ClientBuilderFactory.class);
    }
  }
}
