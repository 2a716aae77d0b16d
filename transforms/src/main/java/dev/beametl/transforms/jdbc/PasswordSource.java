package dev.beametl.transforms.jdbc;

import java.io.Serializable;
import java.sql.SQLException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where a connection's password comes from. Only the name of the source travels in the
 * serialized pipeline; the password itself is looked up in the JVM that opens the connection (an
 * EMR executor as well as the driver).
 */
public interface PasswordSource extends Serializable {

  /** The user and password to log in with; the user is null when the source does not name one. */
  record Login(@Nullable String user, @Nullable String password) {
    @Override
    public String toString() {
      return "Login[user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
  }

  Login login() throws SQLException;

  /** Where the password was looked for, in the words of the options a user sets, for error messages. */
  String describe();

  /** The password is the value of the environment variable {@code name} (null when it is unset). */
  static PasswordSource environment(String name) {
    return new EnvironmentVariable(name);
  }

  /** The password is the value of a Secrets Manager secret (plain, or the JSON of an RDS/Redshift secret). */
  static PasswordSource secret(String secretId, @Nullable String region, java.net.@Nullable URI endpoint) {
    return new SecretsManagerPassword(secretId, region, endpoint);
  }

  record EnvironmentVariable(String name) implements PasswordSource {
    @Override
    public Login login() {
      return new Login(null, System.getenv(name));
    }

    @Override
    public String describe() {
      String unset = System.getenv(name) == null ? ", which is not set in this JVM" : "";
      return "the environment variable " + name + unset + " (--jdbcPasswordEnv names another one; "
          + "--jdbcPasswordSecret reads it from AWS Secrets Manager instead)";
    }
  }
}
