package dev.beametl.transforms.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Against a real PostgreSQL server. */
class PostgresSinkTest {
  static final Schema SCHEMA =
      Schema.builder()
          .addStringField("file")
          .addInt64Field("record")
          .addNullableDoubleField("amount")
          .addNullableStringField("note")
          .addNullableDateTimeField("at")
          .build();

  final PostgresServer pg = PostgresServer.shared();

  static Row row(long record, Double amount, String note) {
    return Row.withSchema(SCHEMA).addValues("a.csv", record, amount, note, new Instant(0)).build();
  }

  void load(String table, int batchSize, Row... rows) throws Exception {
    PostgresSink sink =
        PostgresSink.upsert(JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", table), "file", "record")
            .withBatchSize(batchSize);
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(SCHEMA);
      Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
      p.apply(Create.of(List.of(rows)).withRowSchema(SCHEMA)).apply(sink);
      p.run().waitUntilFinish();
      publication.publish(rows.length, "test", "run-1", List.of());
    }
  }

  boolean exists(String table) throws Exception {
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  List<String> content(String table) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT file, record, amount, note, at FROM " + table)) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getObject(3) + "|" + rs.getString(4) + "|" + rs.getString(5));
      }
    }
    return rows;
  }

  @Test
  void createsTheTableAndLoadsEveryRowOnce() throws Exception {
    pg.execute("DROP TABLE IF EXISTS sink_once");
    Row[] rows = {row(1, 15824.0, "a, \"b\"\nc"), row(2, null, ""), row(3, 0.1, null)};
    load("sink_once", 2, rows);
    load("sink_once", 2, rows);
    assertThat(
        content("sink_once"),
        containsInAnyOrder(
            "a.csv|1|15824.0|a, \"b\"\nc|1970-01-01 00:00:00", "a.csv|2|null||1970-01-01 00:00:00", "a.csv|3|0.1|null|1970-01-01 00:00:00"));
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT data_type FROM information_schema.columns WHERE table_name = 'sink_once' AND column_name = 'amount'")) {
      rs.next();
      assertThat("amounts keep their cents", rs.getString(1), is("double precision"));
    }
  }

  @Test
  void aReloadReplacesChangedRows() throws Exception {
    pg.execute("DROP TABLE IF EXISTS sink_update");
    load("sink_update", 10, row(1, 1.0, "old"));
    load("sink_update", 10, row(1, 2.0, "new"), row(2, 3.0, "added"));
    assertThat(content("sink_update"), containsInAnyOrder("a.csv|1|2.0|new|1970-01-01 00:00:00", "a.csv|2|3.0|added|1970-01-01 00:00:00"));
  }

  @Test
  void createsTheSchemaOfAQualifiedTable() throws Exception {
    pg.execute("DROP SCHEMA IF EXISTS sinktest CASCADE");
    load("sinktest.rows", 10, row(1, 1.0, "x"));
    assertThat(content("sinktest.rows").size(), is(1));
  }

  @Test
  void aRefusedRowFailsTheRun() throws Exception {
    pg.execute("DROP TABLE IF EXISTS sink_refused");
    load("sink_refused", 10, row(1, 1.0, "x"));
    pg.execute("ALTER TABLE sink_refused ADD CONSTRAINT positive CHECK (amount > 0)");
    assertThrows(Exception.class, () -> load("sink_refused", 10, row(2, 2.0, "ok"), row(3, -1.0, "refused")));
    assertThat("the table is as it was: nothing of the failed load", content("sink_refused"), contains("a.csv|1|1.0|x|1970-01-01 00:00:00"));
  }

  /** What the driver does with rows x and y staged into {@code table}, before the publication closes. */
  interface AfterStaging {
    void then(PostgresSink.Publication publication) throws Exception;
  }

  void stageTwoRows(String table, AfterStaging afterStaging) throws Exception {
    pg.execute("DROP TABLE IF EXISTS " + table);
    PostgresSink sink = PostgresSink.upsert(JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", table), "file", "record");
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(SCHEMA);
      Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
      p.apply(Create.of(List.of(row(1, 1.0, "x"), row(2, 2.0, "y"))).withRowSchema(SCHEMA)).apply(sink);
      p.run().waitUntilFinish();
      afterStaging.then(publication);
    }
  }

  @Test
  void stagedRowsAreInvisibleUntilPublishedAndDroppedWhenNot() throws Exception {
    stageTwoRows("sink_staged", publication -> {
      assertThat("staged, not published", content("sink_staged"), empty());
      assertThrows(
          IllegalStateException.class, () -> publication.publish(3, "test", "run-1", List.of()), "a count that does not match is refused");
    });
    assertThat(content("sink_staged"), empty());
    assertThat("the staging table is dropped", exists("sink_staged_beam_etl_stage"), is(false));
  }

  @Test
  void aSecondLoadOfTheSameTableRefusesWhileTheFirstHoldsIt() throws Exception {
    PostgresSink sink = PostgresSink.upsert(JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", "sink_locked"), "file", "record");
    try (PostgresSink.Publication first = sink.prepare()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, sink::prepare);
      assertThat(refused.getMessage(), startsWith("another run is loading into sink_locked"));
    }
    sink.prepare().close();
  }

  @Test
  void rowsStagedTwiceByARetriedBundleArePublishedOnce() throws Exception {
    stageTwoRows("sink_retried", publication -> {
      // What a bundle that committed its batch and then failed leaves once its retry committed too.
      pg.execute("INSERT INTO sink_retried_beam_etl_stage SELECT * FROM sink_retried_beam_etl_stage WHERE record = 2");
      assertThat(publication.publish(2, "test", "run-1", List.of()), is(2L));
    });
    assertThat(content("sink_retried"), containsInAnyOrder("a.csv|1|1.0|x|1970-01-01 00:00:00", "a.csv|2|2.0|y|1970-01-01 00:00:00"));
  }

  @Test
  void aRetriedBundleMeetingAnEarlierRunsRowsUpdatesThemOnce() throws Exception {
    pg.execute("DROP TABLE IF EXISTS sink_retried_update");
    load("sink_retried_update", 10, row(1, 1.0, "old"));
    PostgresSink sink =
        PostgresSink.upsert(JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", "sink_retried_update"), "file", "record");
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(SCHEMA);
      Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
      p.apply(Create.of(List.of(row(1, 2.0, "new"), row(2, 3.0, "added"))).withRowSchema(SCHEMA)).apply(sink);
      p.run().waitUntilFinish();
      pg.execute("INSERT INTO sink_retried_update_beam_etl_stage SELECT * FROM sink_retried_update_beam_etl_stage WHERE record = 2");
      assertThat(publication.publish(2, "test", "run-2", List.of()), is(2L));
    }
    assertThat(
        content("sink_retried_update"),
        containsInAnyOrder("a.csv|1|2.0|new|1970-01-01 00:00:00", "a.csv|2|3.0|added|1970-01-01 00:00:00"));
  }

  @Test
  void anUpsertIntoATableWithoutAUniqueKeyIsRefused() throws Exception {
    // A plain INSERT would load it; the upsert cannot (ON CONFLICT needs the key's unique index), and a
    // bundle staged twice would go in twice.
    pg.execute("DROP TABLE IF EXISTS sink_no_key");
    pg.execute("CREATE TABLE sink_no_key (file text NOT NULL, record bigint NOT NULL, amount double precision, note text, at timestamp)");
    assertThrows(Exception.class, () -> load("sink_no_key", 10, row(1, 1.0, "x")));
    assertThat(content("sink_no_key"), empty());
  }

  static final Schema EVERY_TYPE =
      Schema.builder()
          .addStringField("file")
          .addInt64Field("record")
          .addNullableInt16Field("small")
          .addNullableInt32Field("whole")
          .addNullableFloatField("single")
          .addNullableDoubleField("amount")
          .addNullableBooleanField("flag")
          .addNullableDateTimeField("at")
          .addNullableStringField("note")
          .build();

  List<String> everyType(String table) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT record, small, whole, single, amount, flag, at, note FROM " + table + " ORDER BY record")) {
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
          line.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(line.toString());
      }
    }
    return rows;
  }

  void loadEveryType(String table) throws Exception {
    PostgresSink sink = PostgresSink.upsert(JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", table), "file", "record");
    List<Row> rows =
        List.of(
            Row.withSchema(EVERY_TYPE)
                .addValues("a.csv", 1L, (short) -7, 2_000_000_000, 1.5f, 15823.99905, true, new Instant(1_700_000_000_123L), "é, \"q\"\nz")
                .build(),
            Row.withSchema(EVERY_TYPE).addValues("a.csv", 2L, null, null, null, -0.1, false, new Instant(-1), "").build(),
            Row.withSchema(EVERY_TYPE).addValues("a.csv", 3L, null, null, null, null, null, null, null).build());
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(EVERY_TYPE);
      Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
      p.apply(Create.of(rows).withRowSchema(EVERY_TYPE)).apply(sink);
      p.run().waitUntilFinish();
      publication.publish(rows.size(), "test", "run-1", List.of());
    }
  }

  static final List<String> EVERY_TYPE_LOADED =
      List.of(
          "1|-7|2000000000|1.5|15823.99905|t|2023-11-14 22:13:20.123|é, \"q\"\nz",
          "2|null|null|null|-0.1|f|1969-12-31 23:59:59.999|",
          "3|null|null|null|null|null|null|null");

  @Test
  void everyColumnTypeLoadsAsItsValueInTheTablesItCreates() throws Exception {
    pg.execute("DROP TABLE IF EXISTS sink_types");
    loadEveryType("sink_types");
    assertThat(everyType("sink_types"), contains(EVERY_TYPE_LOADED.toArray()));
  }

  @Test
  void aTableCreatedWithOtherColumnTypesIsLoadedAsText() throws Exception {
    pg.execute("DROP TABLE IF EXISTS sink_own_types");
    pg.execute(
        "CREATE TABLE sink_own_types (file varchar(20) NOT NULL, record integer NOT NULL, small integer, whole bigint, single double precision, "
            + "amount numeric, flag boolean, at timestamp(3), note varchar(10), PRIMARY KEY (file, record))");
    loadEveryType("sink_own_types");
    assertThat(everyType("sink_own_types"), contains(EVERY_TYPE_LOADED.toArray()));
  }

  @Test
  void sendsBinaryOnlyToColumnsOfTheTypesItCreates() {
    List<String> created =
        List.of("text", "bigint", "smallint", "integer", "real", "double precision", "boolean", "timestamp without time zone", "text");
    assertThat(CopyBinary.fits(EVERY_TYPE, created), is(true));
    List<String> numeric = new ArrayList<>(created);
    numeric.set(5, "numeric");
    assertThat(CopyBinary.fits(EVERY_TYPE, numeric), is(false));
    assertThat("a missing table", CopyBinary.fits(EVERY_TYPE, java.util.Collections.nCopies(9, null)), is(false));
    assertThat("a missing column", CopyBinary.fits(EVERY_TYPE, created.subList(0, 8)), is(false));
  }

  @Test
  void aBatchSentInSeveralPiecesLoadsWhole() throws Exception {
    pg.execute("DROP TABLE IF EXISTS sink_pieces");
    // 12 rows of 200 KB in one batch: the COPY goes out in pieces of about 1 MiB, the last row of one
    // piece ending where the next starts.
    Row[] rows = new Row[12];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = row(i, i + 0.5, String.valueOf((char) ('a' + i)).repeat(200_000));
    }
    load("sink_pieces", 100, rows);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      expected.add("a.csv|" + i + "|" + (i + 0.5) + "|" + rows[i].getString("note") + "|1970-01-01 00:00:00");
    }
    assertThat(content("sink_pieces"), containsInAnyOrder(expected.toArray()));
  }

  @Test
  void refusesKeysThatAreNotColumns() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            p.apply(Create.empty(SCHEMA))
                .apply(PostgresSink.upsert(JdbcTarget.of(pg.jdbcUrl(), "u", "JDBC_PASSWORD", "t"), "nope")));
  }
}
