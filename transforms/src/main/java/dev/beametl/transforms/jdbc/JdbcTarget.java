package dev.beametl.transforms.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where a sink connects: URL, user, table, and where the password comes from (an environment
 * variable or a Secrets Manager secret). The password itself is looked up on the worker when it
 * connects, so it never travels in options, logs or the serialized pipeline.
 */
public final class JdbcTarget implements Serializable {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern CREDENTIAL_PARAMETER = Pattern.compile("(?i)(password|pwd)=[^&;\\s]*");

  private final String url;
  private final @Nullable String user;
  private final PasswordSource password;
  private final String table;

  private JdbcTarget(String url, @Nullable String user, PasswordSource password, String table) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.table = table;
  }

  /**
   * @throws IllegalArgumentException when the URL is missing or the table is not a plain
   *     (optionally schema-qualified) identifier
   */
  public static JdbcTarget of(@Nullable String url, @Nullable String user, String passwordEnv, String table) {
    return of(url, user, PasswordSource.environment(passwordEnv), table);
  }

  /** As {@link #of(String, String, String, String)}, with the password from {@code password}. */
  public static JdbcTarget of(@Nullable String url, @Nullable String user, PasswordSource password, String table) {
    if (url == null || !url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("--jdbcUrl must be a JDBC URL such as jdbc:postgresql://host:5432/db, got " + scrub(url, null));
    }
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2 || !java.util.Arrays.stream(parts).allMatch(p -> IDENTIFIER.matcher(p).matches())) {
      throw new IllegalArgumentException(
          "--table must be an identifier or schema.identifier (letters, digits, underscores), got '" + table + "'");
    }
    return new JdbcTarget(url, user, password, table);
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

  /**
   * Opens a connection; a failure says what to check (the password's source, the host, the
   * database) and never quotes the password.
   */
  public Connection connect() throws SQLException {
    PasswordSource.Login login = password.login();
    String loginUser = user != null ? user : login.user();
    Properties props = new Properties();
    if (loginUser != null) {
      props.setProperty("user", loginUser);
    }
    if (login.password() != null) {
      props.setProperty("password", login.password());
    }
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw connectFailure(e, loginUser, login.password());
    }
  }

  private SQLException connectFailure(SQLException e, @Nullable String loginUser, @Nullable String secret) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String driver = scrub(e.getMessage(), secret);
    String who = loginUser == null ? "with no user (--jdbcUser)" : "as user '" + loginUser + "'";
    String message;
    if (state.startsWith("28") || driver.toLowerCase(java.util.Locale.ROOT).contains("password")) {
      message = "the database " + this + " refused the login " + who + ": " + driver + " The password was read from " + password.describe() + ".";
    } else if (state.equals("3D000")) {
      message = "the database named in --jdbcUrl does not exist (" + this + "): " + driver;
    } else if (state.startsWith("08")) {
      message = "cannot reach the database " + this + ": " + driver + " Check the host and port in --jdbcUrl, and that this machine may connect to it.";
    } else {
      message = "cannot connect to the database " + this + " " + who + ": " + driver;
    }
    // No cause: a run report names the deepest cause, which would be the driver's terse text.
    SQLException failure = new SQLException(message, e.getSQLState(), e.getErrorCode());
    failure.setStackTrace(e.getStackTrace());
    return failure;
  }

  /**
   * On PostgreSQL, before any input is read: fails unless this login may use the table as a load
   * will ({@code tablePrivileges}, e.g. INSERT and UPDATE) or, when it does not exist yet, create it
   * (and its schema); and create temporary tables when {@code tempTables}. Changes nothing.
   */
  public void checkPrivileges(Connection connection, boolean tempTables, String... tablePrivileges) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("SELECT current_setting('transaction_read_only')");
        ResultSet rs = st.executeQuery()) {
      rs.next();
      if ("on".equals(rs.getString(1))) {
        throw new SQLException("the database " + this + " is read-only (a standby?): point --jdbcUrl at the primary", "25006");
      }
    }
    List<String> missing = new ArrayList<>();
    if (query(connection, "SELECT to_regclass(?) IS NOT NULL", table)) {
      for (String privilege : tablePrivileges) {
        if (!query(connection, "SELECT has_table_privilege(?, '" + privilege + "')", table)) {
          missing.add(privilege + " on " + table);
        }
      }
    } else {
      String inSchema = schema() != null ? schema() : currentSchema(connection);
      if (inSchema != null && query(connection, "SELECT to_regnamespace(?) IS NOT NULL", inSchema)) {
        if (!query(connection, "SELECT has_schema_privilege(?, 'CREATE')", inSchema)) {
          missing.add("CREATE on schema " + inSchema + " (" + table + " does not exist yet)");
        }
      } else if (!query(connection, "SELECT has_database_privilege(current_database(), 'CREATE')", null)) {
        missing.add("CREATE on the database (schema " + inSchema + " of " + table + " does not exist yet)");
      }
    }
    if (tempTables) {
      try (PreparedStatement st = connection.prepareStatement("SELECT has_database_privilege(current_database(), 'TEMP')");
          ResultSet rs = st.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          missing.add("TEMP on the database (loads stage rows in a temporary table)");
        }
      }
    }
    if (!missing.isEmpty()) {
      String who = connection.getMetaData().getUserName();
      throw new SQLException("user '" + who + "' may not load into " + this + ": missing " + String.join(", ", missing)
          + ". Grant them, e.g. GRANT " + String.join(", ", tablePrivileges) + " ON " + table + " TO " + who + ".", "42501");
    }
  }

  private static boolean query(Connection connection, String sql, @Nullable String parameter) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      if (parameter != null) {
        st.setString(1, parameter);
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static @Nullable String currentSchema(Connection connection) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("SELECT current_schema()");
        ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Text with credentials masked: {@code password=} parameters, and {@code secret} wherever it appears. */
  static String scrub(@Nullable String text, @Nullable String secret) {
    if (text == null) {
      return "";
    }
    String masked = text;
    if (secret != null && !secret.isEmpty()) {
      masked = masked.replace(secret, "***");
    }
    return CREDENTIAL_PARAMETER.matcher(masked).replaceAll("$1=***");
  }

  /** For logs and reports: the URL without any credentials in it, and the table. */
  @Override
  public String toString() {
    return scrub(url, null) + " table " + table;
  }
}
