package dev.beametl.pipelines;

import dev.beametl.options.JdbcOptions;
import dev.beametl.transforms.jdbc.JdbcTarget;
import dev.beametl.transforms.jdbc.PasswordSource;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import software.amazon.awssdk.regions.Region;

/** The {@link JdbcTarget} a run's {@link JdbcOptions} name (the transforms take no options type). */
final class JdbcTargets {
  private JdbcTargets() {}

  /**
   * The target the options name: {@code --jdbcPasswordSecret} when given (read with the region and
   * endpoint of the run's AWS options), else the variable named by {@code --jdbcPasswordEnv}.
   */
  static JdbcTarget of(JdbcOptions options, String defaultTable) {
    String table = options.getTable() != null ? options.getTable() : defaultTable;
    return JdbcTarget.of(options.getJdbcUrl(), options.getJdbcUser(), passwordSource(options), table);
  }

  private static PasswordSource passwordSource(JdbcOptions options) {
    String secret = options.getJdbcPasswordSecret();
    if (secret == null || secret.isBlank()) {
      return PasswordSource.environment(options.getJdbcPasswordEnv());
    }
    AwsOptions aws = options.as(AwsOptions.class);
    Region region = aws.getAwsRegion();
    return PasswordSource.secret(secret.trim(), region == null ? null : region.id(), aws.getEndpoint());
  }
}
