package dev.beametl.transforms.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where a sink connects: URL, user, table, and the name of the environment variable that holds
 * the password. The password itself is read on the worker when it connects, so it never travels
 * in options, logs or the serialized pipeline.
 */
public final class JdbcTarget implements Serializable {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final String url;
  private final @Nullable String user;
  private final String passwordEnv;
  private final String table;

  private JdbcTarget(String url, @Nullable String user, String passwordEnv, String table) {
    this.url = url;
    this.user = user;
    this.passwordEnv = passwordEnv;
    this.table = table;
  }

  /**
   * @throws IllegalArgumentException when the URL is missing or the table is not a plain
   *     (optionally schema-qualified) identifier
   */
  public static JdbcTarget of(@Nullable String url, @Nullable String user, String passwordEnv, String table) {
    if (url == null || !url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("--jdbcUrl must be a JDBC URL such as jdbc:postgresql://host:5432/db, got " + url);
    }
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2 || !java.util.Arrays.stream(parts).allMatch(p -> IDENTIFIER.matcher(p).matches())) {
      throw new IllegalArgumentException(
          "--table must be an identifier or schema.identifier (letters, digits, underscores), got '" + table + "'");
    }
    return new JdbcTarget(url, user, passwordEnv, table);
  }

  public String url() {
    return url;
  }

  /** The validated table name, safe to put in SQL. */
  public String table() {
    return table;
  }

  /** The schema part of a qualified table name, or null. */
  public @Nullable String schema() {
    int dot = table.indexOf('.');
    return dot < 0 ? null : table.substring(0, dot);
  }

  public Connection connect() throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    String password = System.getenv(passwordEnv);
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(url, props);
  }

  /** For logs and reports: the URL without any credentials in it, and the table. */
  @Override
  public String toString() {
    return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***") + " table " + table;
  }
}
