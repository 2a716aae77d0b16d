package dev.beametl.transforms.jdbc;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.rejects.Reject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads rows into a PostgreSQL table so that a run's rows become visible all at once, or not at
 * all. Before the pipeline runs, {@link #prepare} (on the driver) takes the target's lock, creates
 * the table if missing and an empty staging table beside it; the workers COPY their batches into
 * the staging table; {@link Publication#publish} then merges the staging table into the target with
 * {@code INSERT ... ON CONFLICT (key) DO UPDATE} ({@link #upsert}), or replaces the table's content
 * with it ({@link #replace}), and drops it, in one transaction. A failed, killed or gated run never
 * publishes: readers keep seeing the table as it was, and the next run starts from a fresh staging
 * table. Re-running a load, or retrying a bundle, leaves one copy of each row.
 *
 * <p>The lock is a PostgreSQL session advisory lock held by the driver's connection for the run:
 * a second run on the same table refuses to start, and a killed run's lock ends with its
 * connection. Counts {@code written} (or the name given to {@link #countingAs}) as rows are staged;
 * {@link Publication#publish} checks that the rows it publishes are exactly that many. An upsert
 * records the inputs a run read in the table {@code beam_etl_inputs} beside the target, in the
 * publishing transaction, so an incremental run knows what is already loaded: a crash leaves both
 * the rows and the record, or neither.
 *
 * <p>Its output is the rows it refused: a value PostgreSQL cannot store (a NUL in text) rejects
 * its row as {@code unstorable_value} instead of failing the batch.
 */
public final class PostgresSink extends PTransform<PCollection<Row>, PCollection<Reject>> {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSink.class);
  private static final String UNIQUE_VIOLATION = "23505";
  private final JdbcTarget target;
  private final List<String> key;
  /** Whether a publish replaces the table's content (else it merges into it). */
  private final boolean replace;
  private final int batchSize;
  private final String counter;

  private PostgresSink(JdbcTarget target, List<String> key, boolean replace, int batchSize, String counter) {
    this.target = target;
    this.key = key;
    this.replace = replace;
    this.batchSize = batchSize;
    this.counter = counter;
  }

  /**
   * Upserts into {@code target}, the rows identified by the {@code key} columns; the first key
   * column names the input a row came from (its rows are replaced when that input is read again).
   */
  public static PostgresSink upsert(JdbcTarget target, String... key) {
    return new PostgresSink(target, keyOf(key), false, 10_000, EtlMetrics.WRITTEN);
  }

  /**
   * Replaces the content of {@code target} with the rows, each identified by its {@code key}
   * columns, which may be null (an aggregate's group keys): the table has no primary key, and a
   * bundle staged twice is published once.
   */
  public static PostgresSink replace(JdbcTarget target, String... key) {
    return new PostgresSink(target, keyOf(key), true, 10_000, EtlMetrics.WRITTEN);
  }

  private static List<String> keyOf(String... key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("an idempotent load needs key columns");
    }
    return List.of(key);
  }

  public PostgresSink withBatchSize(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + rows);
    }
    return new PostgresSink(target, key, replace, rows, counter);
  }

  /** Counts the staged rows as {@code name} (default {@code written}), e.g. when files are the written output. */
  public PostgresSink countingAs(String name) {
    return new PostgresSink(target, key, replace, batchSize, name);
  }

  /** The run's staging table: beside the target, one per target (the lock allows one run at a time). */
  String stageTable() {
    String schema = target.schema();
    String name = schema == null ? target.table() : target.table().substring(schema.length() + 1);
    String stage = (name.length() > 40 ? name.substring(0, 40) : name) + "_beam_etl_stage";
    return schema == null ? stage : schema + "." + stage;
  }

  @Override
  public PCollection<Reject> expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    checkKey(schema);
    // One step checks and stages: a fork (a separate reject step) after the rows' counted steps would
    // let a Spark cluster compute them twice and count them twice.
    try {
      return rows.apply("Stage " + target.table(), ParDo.of(new StageFn(target, stageTable(), schema, batchSize, counter)))
          .setCoder(rows.getPipeline().getSchemaRegistry().getSchemaCoder(Reject.class));
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * On the driver, before any input is read: connects (so a wrong password or an unreachable host
   * fails the run in seconds) and checks this login may load the table: insert, update and delete
   * its rows (or create it when missing), and create the staging and ledger tables beside it.
   * Changes nothing.
   */
  public void checkTarget(Schema schema) throws SQLException {
    checkKey(schema);
    try (Connection connection = target.connect()) {
      if (replace) {
        target.checkPrivileges(connection, false, "INSERT", "DELETE");
      } else {
        target.checkPrivileges(connection, false, "INSERT", "UPDATE", "DELETE");
      }
      // checkPrivileges covers a missing schema (CREATE on the database); an existing one must allow CREATE for the stage.
      String inSchema = target.schema();
      try (PreparedStatement st =
          connection.prepareStatement(
              "SELECT CASE WHEN to_regnamespace(s) IS NULL THEN true ELSE has_schema_privilege(s, 'CREATE') END, s "
                  + "FROM (SELECT coalesce(?, current_schema()) AS s) AS target_schema")) {
        st.setString(1, inSchema);
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next() && !rs.getBoolean(1)) {
            String who = connection.getMetaData().getUserName();
            throw new SQLException("user '" + who + "' may not load into " + target + ": missing CREATE on schema " + rs.getString(2)
                + " (the load stages its rows in a table beside the target and records its inputs in beam_etl_inputs). "
                + "Grant it, e.g. GRANT CREATE ON SCHEMA " + rs.getString(2) + " TO " + who + ".", "42501");
          }
        }
      }
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
   * On the driver, before anything is read: connects (so a wrong password or host fails in
   * seconds) and takes the target's lock.
   *
   * @throws IllegalStateException when another run holds the target's lock
   */
  public Publication prepare() throws SQLException {
    Connection connection = target.connect();
    try {
      connection.setAutoCommit(true);
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(hashtext(" + literal(lockName()) + "))")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new IllegalStateException(
              "another run is loading into " + target.table() + " (it holds the table's lock " + lockName()
                  + "); wait for it to end, or find it in pg_stat_activity");
        }
      }
      connection.setAutoCommit(false);
      return new Publication(connection);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
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

  private String lockName() {
    return "beam-etl:" + target.table();
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** The table beside the target that records which inputs its rows came from. */
  String ledgerTable() {
    return target.schema() == null ? "beam_etl_inputs" : target.schema() + ".beam_etl_inputs";
  }

  /**
   * A load in progress, held by the driver: it holds the target's lock, publishes the staged rows
   * and records the inputs they came from in one transaction, or drops them when closed unpublished.
   */
  public final class Publication implements AutoCloseable {
    private final Connection connection;
    private @Nullable Schema schema;
    private boolean published;

    private Publication(Connection connection) {
      this.connection = connection;
    }

    /** The inputs {@code pipeline} loaded into this target in earlier runs, by path. */
    public Map<String, InputFiles.Listed> recordedInputs(String pipeline) throws SQLException {
      Map<String, InputFiles.Listed> recorded = new HashMap<>();
      try (Statement st = connection.createStatement()) {
        createLedger(st);
        connection.commit();
      }
      try (PreparedStatement st =
          connection.prepareStatement("SELECT path, size_bytes, last_modified_ms FROM " + ledgerTable() + " WHERE pipeline = ? AND target = ?")) {
        st.setString(1, pipeline);
        st.setString(2, target.table());
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            recorded.put(rs.getString(1), new InputFiles.Listed(rs.getString(1), rs.getLong(2), rs.getLong(3)));
          }
        }
      }
      connection.commit();
      return recorded;
    }

    private void createLedger(Statement st) throws SQLException {
      if (target.schema() != null && !exists(connection, "to_regnamespace", target.schema())) {
        st.execute("CREATE SCHEMA IF NOT EXISTS " + target.schema());
      }
      st.execute(
          "CREATE TABLE IF NOT EXISTS " + ledgerTable() + " (pipeline text NOT NULL, target text NOT NULL, path text NOT NULL, "
              + "size_bytes bigint NOT NULL, last_modified_ms bigint NOT NULL, run_id text NOT NULL, "
              + "committed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, target, path))");
    }

    /**
     * Creates the table for rows of {@code rowSchema} if missing and an empty staging table; a
     * staging table left by a killed run is dropped here, under the lock.
     */
    public void createTables(Schema rowSchema) throws SQLException {
      checkKey(rowSchema);
      createTable(connection, target, createTableSql(target.table(), rowSchema, replace ? List.of() : key));
      try (Statement st = connection.createStatement()) {
        if (!replace) {
          createLedger(st);
        }
        st.execute("DROP TABLE IF EXISTS " + stageTable());
        st.execute("CREATE UNLOGGED TABLE " + stageTable() + " (LIKE " + target.table() + ")");
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
      this.schema = rowSchema;
    }

    /** As {@link #publish(long, String, String, List)} for a {@link #replace} load, which records no inputs. */
    public long publish(long staged) throws SQLException {
      if (!replace) {
        throw new IllegalStateException("an upsert records the inputs it read: give them");
      }
      return publish(staged, "", "", List.of());
    }

    /**
     * In one transaction: removes the rows being replaced (an upsert: the earlier rows of every
     * input this run read, whose new version replaces them; a replace: all of them), merges the
     * staged rows into the target, records the inputs in the ledger (an upsert), and drops the
     * staging table.
     *
     * @param staged the rows the run counted as staged: publishing refuses any other number
     * @param read the inputs the run read, recorded for later incremental runs
     * @return the rows inserted or updated
     */
    public long publish(long staged, String pipeline, String runId, List<InputFiles.Listed> read) throws SQLException {
      if (schema == null) {
        throw new IllegalStateException("createTables() was not called");
      }
      List<String> names = schema.getFieldNames();
      String columns = quoteAll(names);
      String updates =
          names.stream().filter(n -> !key.contains(n)).map(n -> quote(n) + " = EXCLUDED." + quote(n)).collect(Collectors.joining(", "));
      try {
        if (replace) {
          try (Statement st = connection.createStatement()) {
            // DELETE, not TRUNCATE: readers keep seeing the old rows until the commit instead of waiting.
            st.executeUpdate("DELETE FROM " + target.table());
          }
        } else {
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM " + target.table() + " WHERE " + quote(key.get(0)) + " = ANY (?)")) {
            delete.setArray(1, connection.createArrayOf("text", read.stream().map(InputFiles.Listed::path).toArray()));
            delete.executeUpdate();
          }
        }
        long rows = replace || !hasUniqueKey() ? merge(columns, updates) : insertElseMerge(columns, updates);
        if (rows != staged) {
          throw new IllegalStateException(
              "refusing to publish into " + target.table() + ": the run counted " + staged + " rows staged but " + rows
                  + " distinct rows are in the staging table; nothing was published");
        }
        if (!read.isEmpty()) {
          recordInputs(pipeline, runId, read);
        }
        try (Statement st = connection.createStatement()) {
          st.execute("DROP TABLE " + stageTable());
        }
        connection.commit();
        published = true;
        LOG.info("published {} rows into {}", rows, target.table());
        return rows;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }

    /**
     * An upsert's staged rows rarely meet a key twice: their inputs' earlier rows were just deleted,
     * and a bundle is seldom staged twice. So they go in by a plain INSERT first (1M loans: 7 s,
     * against 12 s with ON CONFLICT and 4 s more for the duplicate check), which the key's unique
     * index stops at the first key met twice; then, from the savepoint, by {@link #merge}.
     */
    private long insertElseMerge(String columns, String updates) throws SQLException {
      Savepoint beforeInsert = connection.setSavepoint();
      try (Statement st = connection.createStatement()) {
        long rows = st.executeLargeUpdate("INSERT INTO " + target.table() + " (" + columns + ") SELECT " + columns + " FROM " + stageTable());
        connection.releaseSavepoint(beforeInsert);
        return rows;
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        connection.rollback(beforeInsert);
        return merge(columns, updates);
      }
    }

    /** Inserts the staged rows, one per key (an upsert: updating the target's row of a key it has). */
    private long merge(String columns, String updates) throws SQLException {
      // A retried bundle may have staged the same rows twice: DISTINCT ON keeps one. It sorts every
      // row (10 of the 15 s of merging 1M loans, bench/run-loan-filter), so it runs only when the
      // keys (a hash aggregate: 1.5 s) show a duplicate.
      String distinct = hasDuplicateKeys() ? "DISTINCT ON (" + quoteAll(key) + ") " : "";
      String merge =
          "INSERT INTO " + target.table() + " (" + columns + ") SELECT " + distinct + columns + " FROM " + stageTable()
              + (replace ? "" : " ON CONFLICT (" + quoteAll(key) + ") " + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + updates));
      try (Statement st = connection.createStatement()) {
        return st.executeLargeUpdate(merge);
      }
    }

    /**
     * Whether a unique index of the target, checked at once, covers exactly the key columns: only
     * then does a plain INSERT fail on a key met twice, as the upsert does (which needs that index).
     */
    private boolean hasUniqueKey() throws SQLException {
      try (PreparedStatement st =
          connection.prepareStatement(
              "SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indimmediate "
                  + "AND i.indpred IS NULL AND i.indexprs IS NULL AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a "
                  + "WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = (SELECT array_agg(k ORDER BY k) FROM unnest(?::text[]) k))")) {
        st.setString(1, target.table());
        st.setArray(2, connection.createArrayOf("text", key.toArray()));
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          return rs.getBoolean(1);
        }
      }
    }

    private boolean hasDuplicateKeys() throws SQLException {
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT EXISTS (SELECT 1 FROM " + stageTable() + " GROUP BY " + quoteAll(key) + " HAVING count(*) > 1)")) {
        rs.next();
        return rs.getBoolean(1);
      }
    }

    private void recordInputs(String pipeline, String runId, List<InputFiles.Listed> read) throws SQLException {
      try (PreparedStatement record =
          connection.prepareStatement(
              "INSERT INTO " + ledgerTable() + " (pipeline, target, path, size_bytes, last_modified_ms, run_id) VALUES (?, ?, ?, ?, ?, ?) "
                  + "ON CONFLICT (pipeline, target, path) DO UPDATE SET size_bytes = EXCLUDED.size_bytes, "
                  + "last_modified_ms = EXCLUDED.last_modified_ms, run_id = EXCLUDED.run_id, committed_at = now()")) {
        for (InputFiles.Listed file : read) {
          record.setString(1, pipeline);
          record.setString(2, target.table());
          record.setString(3, file.path());
          record.setLong(4, file.sizeBytes());
          record.setLong(5, file.lastModifiedMillis());
          record.setString(6, runId);
          record.addBatch();
        }
        record.executeBatch();
      }
    }

    /** Drops the staging table unless published, and releases the target's lock. */
    @Override
    public void close() throws SQLException {
      try {
        if (!published && schema != null) {
          try (Statement st = connection.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + stageTable());
            connection.commit();
          } catch (SQLException e) {
            LOG.warn("could not drop the staging table {} (the next run drops it): {}", stageTable(), e.getMessage());
          }
        }
        // Released now: the server frees a closed connection's locks only once its backend has exited,
        // so a run started right after this one could find the table still locked.
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
          st.execute("SELECT pg_advisory_unlock(hashtext(" + literal(lockName()) + "))");
        }
      } catch (SQLException e) {
        LOG.warn("could not release the lock of {} (it ends with the connection): {}", target.table(), e.getMessage());
      } finally {
        connection.close();
      }
    }
  }

  /** Whether {@code lookup} ({@code to_regclass}, {@code to_regnamespace}) finds {@code name}. */
  private static boolean exists(Connection connection, String lookup, String name) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("SELECT " + lookup + "(?) IS NOT NULL")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * {@code CREATE TABLE IF NOT EXISTS} for rows of {@code schema}, with {@code key} as primary key;
   * with no key (a replace, whose group keys may be null) the columns follow the schema's nullability.
   */
  static String createTableSql(String table, Schema schema, List<String> key) {
    String columns =
        schema.getFields().stream()
            .map(f -> quote(f.getName()) + " " + sqlType(f.getType())
                + (key.contains(f.getName()) || (key.isEmpty() && !f.getType().getNullable()) ? " NOT NULL" : ""))
            .collect(Collectors.joining(",\n  "));
    return "CREATE TABLE IF NOT EXISTS " + table + " (\n  " + columns + (key.isEmpty() ? "" : ",\n  PRIMARY KEY (" + quoteAll(key) + ")") + "\n)";
  }

  static String sqlType(Schema.FieldType type) {
    return switch (type.getTypeName()) {
      case INT16 -> "smallint";
      case INT32 -> "integer";
      case INT64 -> "bigint";
      case FLOAT -> "real";
      case DOUBLE -> "double precision";
      case DECIMAL -> "numeric";
      case BOOLEAN -> "boolean";
      case DATETIME -> "timestamp";
      case STRING -> "text";
      case BYTES -> "bytea";
      default -> throw new IllegalArgumentException("no PostgreSQL column type for " + type);
    };
  }


  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String quoteAll(List<String> identifiers) {
    return identifiers.stream().map(PostgresSink::quote).collect(Collectors.joining(", "));
  }

  /**
   * COPYs each batch into the staging table and commits it; the merge is the driver's, at publish.
   * A batch's rows are encoded as they come and sent in pieces of about {@link #SEND_BYTES}, so
   * memory holds a piece, not a batch. Binary ({@link CopyBinary}) when the staging table's columns
   * have the types beam-etl creates, else CSV text ({@link CopyCsv}, for a table created otherwise).
   * Outputs the rows PostgreSQL cannot store, as rejects.
   */
  private static final class StageFn extends DoFn<Row, Reject> {
    private static final int SEND_BYTES = 1 << 20;
    private final Counter staged;
    private final JdbcTarget target;
    private final String stageTable;
    private final Schema schema;
    private final int batchSize;
    private transient Connection connection;
    private transient boolean binary;
    private transient CopyBinary.FieldWriter[] writers;
    private transient String copySql;
    private transient StringBuilder text;
    /** The batch's COPY, open from its first row to its last; null between batches. */
    private transient @Nullable CopyIn copy;
    /** What is encoded and not sent yet. */
    private transient CopyBinary.Buffer pending;
    private transient int inBatch;

    StageFn(JdbcTarget target, String stageTable, Schema schema, int batchSize, String counter) {
      this.staged = EtlMetrics.counter(counter);
      this.target = target;
      this.stageTable = stageTable;
      this.schema = schema;
      this.batchSize = batchSize;
    }

    @Setup
    public void setup() throws SQLException {
      connection = target.connect();
      connection.setAutoCommit(false);
      binary = CopyBinary.fits(schema, columnTypes());
      writers = binary ? CopyBinary.writers(schema) : null;
      copySql = "COPY " + stageTable + " (" + quoteAll(schema.getFieldNames()) + ") FROM STDIN WITH (FORMAT " + (binary ? "binary" : "csv") + ")";
      text = new StringBuilder(1024);
      pending = new CopyBinary.Buffer(SEND_BYTES + (1 << 16));
    }

    /** The staging table's column types for the schema's fields, in field order. */
    private List<String> columnTypes() throws SQLException {
      List<String> types = new ArrayList<>();
      try (PreparedStatement st =
          connection.prepareStatement(
              "SELECT format_type(a.atttypid, NULL) FROM unnest(?::text[]) WITH ORDINALITY AS f(name, n) "
                  + "LEFT JOIN pg_attribute a ON a.attrelid = ?::regclass AND a.attname = f.name AND NOT a.attisdropped ORDER BY f.n")) {
        st.setArray(1, connection.createArrayOf("text", schema.getFieldNames().toArray()));
        st.setString(2, stageTable);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            types.add(rs.getString(1));
          }
        }
      }
      connection.commit();
      return types;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Reject> unstorable) throws SQLException {
      Reject reject = RejectUnstorable.check(row, "load");
      if (reject != null) {
        unstorable.output(reject);
        return;
      }
      if (copy == null) {
        copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        if (binary) {
          pending.raw(CopyBinary.HEADER);
        }
      }
      if (binary) {
        CopyBinary.write(pending, row, writers);
      } else {
        text.setLength(0);
        CopyCsv.append(text, row);
        pending.raw(text.toString().getBytes(StandardCharsets.UTF_8));
      }
      if (pending.size() >= SEND_BYTES) {
        send();
      }
      if (++inBatch >= batchSize) {
        commitBatch();
      }
    }

    private void send() throws SQLException {
      copy.writeToCopy(pending.array(), 0, pending.size());
      pending.clear();
    }

    @FinishBundle
    public void finishBundle() throws SQLException {
      commitBatch();
    }

    private void commitBatch() throws SQLException {
      if (copy == null) {
        return;
      }
      try {
        if (binary) {
          pending.raw(CopyBinary.TRAILER);
        }
        send();
        copy.endCopy();
        connection.commit();
      } catch (SQLException e) {
        try {
          if (copy.isActive()) {
            copy.cancelCopy();
          }
          connection.rollback();
        } catch (SQLException rollbackFailed) {
          // A lost connection also fails the rollback: keep the first error as the one thrown.
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      } finally {
        copy = null;
        pending.clear();
      }
      staged.inc(inBatch);
      inBatch = 0;
    }

    @Teardown
    public void teardown() throws SQLException {
      if (connection != null) {
        connection.close();
      }
    }
  }
}
