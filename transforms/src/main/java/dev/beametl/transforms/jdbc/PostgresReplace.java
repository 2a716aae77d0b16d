package dev.beametl.transforms.jdbc;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.postgresql.PGConnection;

/**
 * Replaces a PostgreSQL table's content with the rows, in one transaction: {@code DELETE FROM t},
 * {@code COPY t FROM STDIN}, {@code COMMIT}. Readers see the old content until the commit (DELETE,
 * unlike TRUNCATE, does not lock them out), and a failed load leaves it untouched. All rows go to
 * one worker, so this is for results of modest size (an aggregate), not for bulk data. The table
 * (and its schema) is created from the rows' schema when missing. Counts {@code loaded} rows. Its
 * output is the rows it refused: a value PostgreSQL cannot store (a NUL in text) rejects its row as
 * {@code unstorable_value} instead of failing the load.
 */
public final class PostgresReplace extends PTransform<PCollection<Row>, PCollection<Reject>> {
  private final JdbcTarget target;

  private PostgresReplace(JdbcTarget target) {
    this.target = target;
  }

  public static PostgresReplace into(JdbcTarget target) {
    return new PostgresReplace(target);
  }

  @Override
  public PCollection<Reject> expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    WithRejects<Row> storable = rows.apply("RejectUnstorable", new RejectUnstorable("load"));
    storable.getOutput()
        .apply("OneGroup", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), rows.getCoder()))
        .apply("AllRows", GroupByKey.create())
        .apply("Replace " + target.table(), ParDo.of(new ReplaceFn(target, schema)));
    return storable.getRejects();
  }

  /**
   * On the driver, before any input is read: connects (so a wrong password or an unreachable host
   * fails the run in seconds) and checks this login may replace the table's content, or create it
   * when missing (the load creates it). Changes nothing.
   */
  public void checkTarget() throws SQLException {
    try (Connection connection = target.connect()) {
      target.checkPrivileges(connection, false, "INSERT", "DELETE");
    }
  }

  /** {@code CREATE TABLE IF NOT EXISTS} with a column per field; no key: a group key may be null. */
  static String createTableSql(String table, Schema schema) {
    String columns =
        schema.getFields().stream()
            .map(f -> PostgresSink.quote(f.getName()) + " " + PostgresSink.sqlType(f.getType()) + (f.getType().getNullable() ? "" : " NOT NULL"))
            .collect(Collectors.joining(",\n  "));
    return "CREATE TABLE IF NOT EXISTS " + table + " (\n  " + columns + "\n)";
  }

  private static final class ReplaceFn extends DoFn<KV<Integer, Iterable<Row>>, Void> {
    private final Counter loaded = EtlMetrics.counter("loaded");
    private final JdbcTarget target;
    private final Schema schema;

    ReplaceFn(JdbcTarget target, Schema schema) {
      this.target = target;
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Row>> all) throws SQLException, IOException {
      StringBuilder csv = new StringBuilder();
      long rows = 0;
      for (Row row : all.getValue()) {
        CopyCsv.append(csv, row);
        rows++;
      }
      try (Connection connection = target.connect()) {
        connection.setAutoCommit(false);
        PostgresSink.createTable(connection, target, createTableSql(target.table(), schema));
        try (Statement st = connection.createStatement()) {
          st.execute("DELETE FROM " + target.table());
          connection.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(
                  "COPY " + target.table() + " (" + PostgresSink.quoteAll(schema.getFieldNames()) + ") FROM STDIN WITH (FORMAT csv)",
                  new StringReader(csv.toString()));
          connection.commit();
        } catch (SQLException | IOException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
      }
      loaded.inc(rows);
    }
  }
}
