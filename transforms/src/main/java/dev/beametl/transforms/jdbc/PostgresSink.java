package dev.beametl.transforms.jdbc;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.postgresql.PGConnection;

/**
 * Loads rows into a PostgreSQL table, idempotently: each batch is COPYed into a session temp
 * table, then merged into the target with {@code INSERT ... ON CONFLICT (key) DO UPDATE} in the
 * same transaction. Re-running a load, or retrying a failed bundle, leaves one copy of each row.
 * The table (and its schema) is created from the rows' schema when missing. Counts {@code written}
 * after each commit. Its output is the rows it refused: a value PostgreSQL cannot store (a NUL in
 * text) rejects its row as {@code unstorable_value} instead of failing the batch.
 */
public final class PostgresSink extends PTransform<PCollection<Row>, PCollection<Reject>> {
  private final JdbcTarget target;
  private final List<String> key;
  private final int batchSize;

  private PostgresSink(JdbcTarget target, List<String> key, int batchSize) {
    this.target = target;
    this.key = key;
    this.batchSize = batchSize;
  }

  /** Upserts into {@code target}, the rows identified by the {@code key} columns. */
  public static PostgresSink upsert(JdbcTarget target, String... key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("an idempotent load needs key columns");
    }
    return new PostgresSink(target, List.of(key), 10_000);
  }

  public PostgresSink withBatchSize(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + rows);
    }
    return new PostgresSink(target, key, rows);
  }

  @Override
  public PCollection<Reject> expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    checkKey(schema);
    WithRejects<Row> storable = rows.apply("RejectUnstorable", new RejectUnstorable("load"));
    storable.getOutput().apply("Upsert " + target.table(), ParDo.of(new UpsertFn(target, schema, key, batchSize)));
    return storable.getRejects();
  }

  /**
   * On the driver, before any input is read: connects (so a wrong password or an unreachable host
   * fails the run in seconds) and checks this login may upsert into the table, or create it when
   * missing (the load creates it). Changes nothing.
   */
  public void checkTarget(Schema schema) throws SQLException {
    checkKey(schema);
    try (Connection connection = target.connect()) {
      target.checkPrivileges(connection, true, "INSERT", "UPDATE");
    }
  }

  private void checkKey(Schema schema) {
    for (String k : key) {
      if (!schema.hasField(k)) {
        throw new IllegalArgumentException("key column " + k + " is not in the rows' schema " + schema.getFieldNames());
      }
    }
  }

  /**
   * Creates the table (and its schema) when missing, committed; concurrent first loads wait for
   * each other. An existing table is left alone, so a login that may only write it can load.
   */
  static void createTable(Connection connection, JdbcTarget target, String createTableSql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      // Workers start together: serialise table creation, or concurrent CREATEs collide in the catalog.
      st.execute("SELECT pg_advisory_xact_lock(hashtext('beam-etl:' || '" + target.table() + "'))");
      if (!exists(connection, "to_regclass", target.table())) {
        if (target.schema() != null && !exists(connection, "to_regnamespace", target.schema())) {
          st.execute("CREATE SCHEMA IF NOT EXISTS " + target.schema());
        }
        st.execute(createTableSql);
      }
      connection.commit();
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        // A dropped connection fails the rollback too: report why the statement failed, not that.
        e.addSuppressed(rollback);
      }
      if ("42501".equals(e.getSQLState())) {
        throw new SQLException("user '" + connection.getMetaData().getUserName() + "' may not create " + target
            + ", which does not exist yet: " + e.getMessage() + ". Create it first, or grant CREATE on its schema.", e.getSQLState());
      }
      throw e;
    }
  }

  /** Whether {@code lookup} ({@code to_regclass}, {@code to_regnamespace}) finds {@code name}. */
  private static boolean exists(Connection connection, String lookup, String name) throws SQLException {
    try (java.sql.PreparedStatement st = connection.prepareStatement("SELECT " + lookup + "(?) IS NOT NULL")) {
      st.setString(1, name);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** {@code CREATE TABLE IF NOT EXISTS} for rows of {@code schema}, with {@code key} as primary key. */
  static String createTableSql(String table, Schema schema, List<String> key) {
    String columns =
        schema.getFields().stream()
            .map(f -> quote(f.getName()) + " " + sqlType(f.getType()) + (key.contains(f.getName()) ? " NOT NULL" : ""))
            .collect(Collectors.joining(",\n  "));
    return "CREATE TABLE IF NOT EXISTS " + table + " (\n  " + columns + ",\n  PRIMARY KEY (" + quoteAll(key) + ")\n)";
  }

  static String sqlType(Schema.FieldType type) {
    switch (type.getTypeName()) {
      case INT16:
        return "smallint";
      case INT32:
        return "integer";
      case INT64:
        return "bigint";
      case FLOAT:
        return "real";
      case DOUBLE:
        return "double precision";
      case DECIMAL:
        return "numeric";
      case BOOLEAN:
        return "boolean";
      case DATETIME:
        return "timestamp";
      case STRING:
        return "text";
      case BYTES:
        return "bytea";
      default:
        throw new IllegalArgumentException("no PostgreSQL column type for " + type);
    }
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String quoteAll(List<String> identifiers) {
    return identifiers.stream().map(PostgresSink::quote).collect(Collectors.joining(", "));
  }

  private static final class UpsertFn extends DoFn<Row, Void> {
    private static final String STAGE = "beam_etl_stage";
    private final Counter written = EtlMetrics.written();
    private final JdbcTarget target;
    private final Schema schema;
    private final List<String> key;
    private final int batchSize;
    private transient Connection connection;
    private transient List<Row> batch;
    private transient String copySql;
    private transient String mergeSql;

    UpsertFn(JdbcTarget target, Schema schema, List<String> key, int batchSize) {
      this.target = target;
      this.schema = schema;
      this.key = key;
      this.batchSize = batchSize;
    }

    @Setup
    public void setup() throws SQLException {
      connection = target.connect();
      connection.setAutoCommit(false);
      createTable(connection, target, createTableSql(target.table(), schema, key));
      try (Statement st = connection.createStatement()) {
        st.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGE + " (LIKE " + target.table() + ") ON COMMIT DELETE ROWS");
        connection.commit();
      }
      List<String> names = schema.getFieldNames();
      String columns = quoteAll(names);
      copySql = "COPY " + STAGE + " (" + columns + ") FROM STDIN WITH (FORMAT csv)";
      String updates =
          names.stream().filter(n -> !key.contains(n)).map(n -> quote(n) + " = EXCLUDED." + quote(n)).collect(Collectors.joining(", "));
      mergeSql =
          "INSERT INTO " + target.table() + " (" + columns + ") SELECT DISTINCT ON (" + quoteAll(key) + ") " + columns
              + " FROM " + STAGE + " ON CONFLICT (" + quoteAll(key) + ") "
              + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + updates);
    }

    @StartBundle
    public void startBundle() {
      batch = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element Row row) throws SQLException, IOException {
      batch.add(row);
      if (batch.size() >= batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle() throws SQLException, IOException {
      flush();
    }

    private void flush() throws SQLException, IOException {
      if (batch.isEmpty()) {
        return;
      }
      StringBuilder csv = new StringBuilder(batch.size() * 256);
      for (Row row : batch) {
        CopyCsv.append(csv, row);
      }
      try {
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new StringReader(csv.toString()));
        try (Statement st = connection.createStatement()) {
          st.executeUpdate(mergeSql);
        }
        connection.commit();
      } catch (SQLException | IOException e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailed) {
          // A lost connection also fails the rollback: keep the first error as the one thrown.
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
      written.inc(batch.size());
      batch.clear();
    }

    @Teardown
    public void teardown() throws SQLException {
      if (connection != null) {
        connection.close();
      }
    }
  }
}
