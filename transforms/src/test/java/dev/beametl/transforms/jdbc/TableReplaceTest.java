package dev.beametl.transforms.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.testing.PostgresServer;
import dev.beametl.transforms.rejects.Reject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

/** The two table-replace loads: what they send, and that a failure leaves the old content. */
class TableReplaceTest {
  static final Schema SCHEMA = Schema.builder().addNullableInt64Field("k").addInt64Field("n").build();

  @Test
  void redshiftRollsBackWhenTheCopyFails() throws Exception {
    List<String> sent = new ArrayList<>();
    SqlSession failingCopy =
        new SqlSession() {
          @Override
          public void execute(String sql) throws SQLException {
            sent.add(sql);
            if (sql.startsWith("COPY")) {
              throw new SQLException("S3ServiceException: Access Denied");
            }
          }

          @Override
          public void close() {}
        };
    RedshiftCopyReplace load = RedshiftCopyReplace.of("nyc.main_data", "s3://b/gold", "arn:aws:iam::123456789012:role/r", () -> failingCopy);

    assertThrows(SQLException.class, () -> load.load().replace(failingCopy));
    assertThat(
        sent,
        equalTo(
            List.of(
                "BEGIN",
                "DELETE FROM nyc.main_data",
                "COPY nyc.main_data FROM 's3://b/gold/' IAM_ROLE 'arn:aws:iam::123456789012:role/r' FORMAT AS PARQUET",
                "ROLLBACK")));
  }

  @Test
  void postgresKeepsTheOldContentWhenTheLoadFails() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute(
        "DROP TABLE IF EXISTS replace_it",
        "CREATE TABLE replace_it (k bigint, n bigint NOT NULL CHECK (n < 100))",
        "INSERT INTO replace_it VALUES (1, 1), (2, 2)");
    JdbcTarget target = JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", "replace_it");

    run(target, Row.withSchema(SCHEMA).addValues(null, 5L).build(), Row.withSchema(SCHEMA).addValues(7L, 500L).build());
    assertThat(rows(pg), equalTo(List.of("1:1", "2:2")));

    run(target, Row.withSchema(SCHEMA).addValues(null, 5L).build(), Row.withSchema(SCHEMA).addValues(7L, 50L).build());
    assertThat(rows(pg), equalTo(List.of("7:50", "null:5")));
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
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Reject> rejects =
        p.apply(Create.of(rows).withRowSchema(schema))
            .apply(PostgresReplace.into(JdbcTarget.of(pg.jdbcUrl(), PostgresServer.USER, "JDBC_PASSWORD", "replace_text")));
    PAssert.that(rejects)
        .containsInAnyOrder(
            new Reject("load", "unstorable_value", "label",
                "PostgreSQL text cannot hold the NUL character (0x00), found at character 4 of the value", null, 0, "1234,\"bad\0label\""));
    p.run().waitUntilFinish();

    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE k = 1234) FROM replace_text")) {
      rs.next();
      assertThat(rs.getLong(1), is(4_999L));
      assertThat(rs.getLong(2), is(0L));
    }
  }

  private static void run(JdbcTarget target, Row... rows) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(List.of(rows)).withRowSchema(SCHEMA)).apply(PostgresReplace.into(target));
    try {
      p.run().waitUntilFinish();
    } catch (RuntimeException e) {
      assertThat(String.valueOf(e.getMessage()), containsString("check constraint"));
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
