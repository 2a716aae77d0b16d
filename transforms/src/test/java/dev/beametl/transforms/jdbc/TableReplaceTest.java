package dev.beametl.transforms.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.rejects.Reject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two table-replace loads: what they send, and that a failure leaves the old content. */
class TableReplaceTest {
  static final Schema SCHEMA = Schema.builder().addNullableInt64Field("k").addInt64Field("n").build();
  static final String ROLE = "arn:aws:iam::123456789012:role/r";

  @TempDir Path tmp;

  /** A session that records what it is sent and fails the statement starting with {@code failing}. */
  static SqlSession recording(List<String> sent, String failing) {
    return new SqlSession() {
      @Override
      public void execute(String sql) throws SQLException {
        sent.add(sql);
        if (failing != null && sql.startsWith(failing)) {
          throw new SQLException("S3ServiceException: Access Denied");
        }
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void redshiftCopiesExactlyTheListedFilesFromAManifestWithTheirSizes() throws Exception {
    Files.write(tmp.resolve("part-00000-of-00002.parquet"), new byte[] {1, 2, 3});
    Files.write(tmp.resolve("part-00001-of-00002.parquet"), new byte[] {4});
    List<MatchResult.Metadata> files = FileSystems.match(tmp + "/part-*", EmptyMatchTreatment.DISALLOW).metadata();
    List<String> sent = new ArrayList<>();
    SqlSession session = recording(sent, null);
    String manifest = tmp.resolve("_redshift-copy.manifest").toString();

    RedshiftCopyReplace.of("nyc.main_data", "s3://b/gold", ROLE, () -> session).replaceWith(files, manifest);

    assertThat(
        sent,
        equalTo(
            List.of(
                "BEGIN",
                "DELETE FROM nyc.main_data",
                "COPY nyc.main_data FROM '" + manifest + "' IAM_ROLE '" + ROLE + "' FORMAT AS PARQUET MANIFEST",
                "COMMIT")));
    JsonNode entries = new ObjectMapper().readTree(Files.readString(Path.of(manifest))).get("entries");
    List<String> listed = new ArrayList<>();
    entries.forEach(e -> listed.add(Path.of(e.get("url").asText()).getFileName() + ":" + e.get("meta").get("content_length").asLong() + ":" + e.get("mandatory").asBoolean()));
    assertThat(listed.stream().sorted().toList(), equalTo(List.of("part-00000-of-00002.parquet:3:true", "part-00001-of-00002.parquet:1:true")));
  }

  @Test
  void redshiftEmptiesTheTableForNoFileWithoutACopy() throws Exception {
    List<String> sent = new ArrayList<>();
    SqlSession session = recording(sent, null);
    RedshiftCopyReplace.of("nyc.main_data", "s3://b/gold", ROLE, () -> session).replaceWith(List.of(), tmp.resolve("_m").toString());
    assertThat(sent, equalTo(List.of("BEGIN", "DELETE FROM nyc.main_data", "COMMIT")));
  }

  @Test
  void redshiftRollsBackWhenTheCopyFails() throws Exception {
    Files.write(tmp.resolve("part-00000-of-00001.parquet"), new byte[] {1});
    List<MatchResult.Metadata> files = FileSystems.match(tmp + "/part-*", EmptyMatchTreatment.DISALLOW).metadata();
    List<String> sent = new ArrayList<>();
    SqlSession failingCopy = recording(sent, "COPY");
    RedshiftCopyReplace load = RedshiftCopyReplace.of("nyc.main_data", "s3://b/gold", ROLE, () -> failingCopy);

    assertThrows(SQLException.class, () -> load.replaceWith(files, tmp.resolve("_m").toString()));
    assertThat(sent.get(sent.size() - 1), is("ROLLBACK"));
    assertThat(sent.subList(0, 2), equalTo(List.of("BEGIN", "DELETE FROM nyc.main_data")));
  }

  @Test
  void postgresReplaceIsPublishedOnlyWhenAskedAndKeepsTheOldContentOtherwise() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute(
        "DROP TABLE IF EXISTS replace_it",
        "CREATE TABLE replace_it (k bigint, n bigint NOT NULL CHECK (n < 100))",
        "INSERT INTO replace_it VALUES (1, 1), (2, 2)");
    PostgresSink sink = PostgresSink.replace(target(pg, "replace_it"), "k").countingAs("loaded");

    // Staged, never published (a gated or killed run): the table is as it was, the stage is gone.
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(SCHEMA);
      stage(sink, Row.withSchema(SCHEMA).addValues(null, 5L).build(), Row.withSchema(SCHEMA).addValues(7L, 50L).build());
    }
    assertThat(rows(pg), equalTo(List.of("1:1", "2:2")));
    assertThat(exists(pg, sink.stageTable()), is(false));

    // A row the table refuses fails the publish: nothing changes.
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(SCHEMA);
      long staged = stage(sink, Row.withSchema(SCHEMA).addValues(null, 5L).build(), Row.withSchema(SCHEMA).addValues(7L, 500L).build());
      SQLException refused = assertThrows(SQLException.class, () -> publication.publish(staged));
      assertThat(refused.getMessage(), containsString("check constraint"));
    }
    assertThat(rows(pg), equalTo(List.of("1:1", "2:2")));

    // Published: exactly the new rows, a null key included.
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(SCHEMA);
      long staged = stage(sink, Row.withSchema(SCHEMA).addValues(null, 5L).build(), Row.withSchema(SCHEMA).addValues(7L, 50L).build());
      assertThat(publication.publish(staged), is(2L));
    }
    assertThat(rows(pg), equalTo(List.of("7:50", "null:5")));
  }

  @Test
  void postgresReplaceCreatesAMissingTableWithoutAKeySoThatANullGroupLoads() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS replace_new");
    PostgresSink sink = PostgresSink.replace(target(pg, "replace_new"), "k").countingAs("loaded");
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(SCHEMA);
      long staged = stage(sink, Row.withSchema(SCHEMA).addValues(null, 5L).build(), Row.withSchema(SCHEMA).addValues(3L, 4L).build());
      assertThat(publication.publish(staged), is(2L));
    }
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_index WHERE indrelid = 'replace_new'::regclass AND indisprimary")) {
      rs.next();
      assertThat(rs.getLong(1), is(0L));
    }
  }

  @Test
  void postgresReplaceRejectsARowItCannotStoreAndLoadsTheOthers() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS replace_text");
    Schema schema = Schema.builder().addInt64Field("k").addNullableStringField("label").build();
    List<Row> rows = new ArrayList<>();
    for (long k = 0; k < 5_000; k++) {
      rows.add(Row.withSchema(schema).addValues(k, k == 1234 ? "bad\0label" : "label " + k).build());
    }
    PostgresSink sink = PostgresSink.replace(target(pg, "replace_text"), "k").countingAs("loaded");
    try (PostgresSink.Publication publication = sink.prepare()) {
      publication.createTables(schema);
      Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
      PCollection<Reject> rejects = p.apply(Create.of(rows).withRowSchema(schema)).apply(sink);
      PAssert.that(rejects)
          .containsInAnyOrder(
              new Reject("load", "unstorable_value", "label",
                  "PostgreSQL text cannot hold the NUL character (0x00), found at character 4 of the value", null, 0, "1234,\"bad\0label\""));
      assertThat(publication.publish(loaded(p.run())), is(4_999L));
    }

    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE k = 1234) FROM replace_text")) {
      rs.next();
      assertThat(rs.getLong(1), is(4_999L));
      assertThat(rs.getLong(2), is(0L));
    }
  }

  private static JdbcTarget target(PostgresServer pg, String table) {
    return JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", table);
  }

  /** Runs a pipeline that stages {@code rows}; returns the rows it counted as staged. */
  private static long stage(PostgresSink sink, Row... rows) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(List.of(rows)).withRowSchema(SCHEMA)).apply(sink);
    return loaded(p.run());
  }

  private static long loaded(PipelineResult result) {
    result.waitUntilFinish();
    long loaded = 0;
    for (MetricResult<Long> c :
        result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named("beam-etl", "loaded")).build()).getCounters()) {
      loaded += c.getAttempted();
    }
    return loaded;
  }

  private static boolean exists(PostgresServer pg, String table) throws SQLException {
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static List<String> rows(PostgresServer pg) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT k, n FROM replace_it ORDER BY k NULLS LAST")) {
      while (rs.next()) {
        out.add(rs.getObject(1) + ":" + rs.getLong(2));
      }
    }
    assertThat(out.isEmpty(), is(false));
    return out;
  }
}
