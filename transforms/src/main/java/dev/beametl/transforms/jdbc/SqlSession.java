package dev.beametl.transforms.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a loader sends its SQL, one statement at a time, in autocommit mode (so {@code BEGIN} and
 * {@code COMMIT} are statements the loader sends itself). The seam that lets a test see the exact
 * SQL a loader issues to a database it cannot reach.
 */
public interface SqlSession extends AutoCloseable {

  void execute(String sql) throws SQLException;

  @Override
  void close() throws SQLException;

  /** Opens sessions on the worker that runs the load. */
  interface Factory extends Serializable {
    SqlSession open() throws SQLException;
  }

  /** Sessions over JDBC connections to {@code target} (any driver on the classpath: PostgreSQL, Redshift). */
  static Factory jdbc(JdbcTarget target) {
    return () -> {
      Connection connection = target.connect();
      connection.setAutoCommit(true);
      return new SqlSession() {
        @Override
        public void execute(String sql) throws SQLException {
          try (Statement st = connection.createStatement()) {
            st.execute(sql);
          }
        }

        @Override
        public void close() throws SQLException {
          connection.close();
        }
      };
    };
  }
}
