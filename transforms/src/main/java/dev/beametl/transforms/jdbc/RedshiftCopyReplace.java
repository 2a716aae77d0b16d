package dev.beametl.transforms.jdbc;

import dev.beametl.transforms.EtlMetrics;
import java.io.IOException;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a Redshift table's content with the Parquet files under an S3 prefix, in one
 * transaction: {@code BEGIN; DELETE FROM t; COPY t FROM 's3://...' IAM_ROLE '...' FORMAT AS
 * PARQUET; COMMIT}. Readers see the old rows until the commit and the new ones after it, never an
 * empty or half-loaded table. On any error it rolls back and the table keeps its old content.
 *
 * <p>Input: the names of the files the run wrote, known only once they are complete, so the load
 * starts after the write. COPY loads every object under the prefix, so the load first checks that
 * the prefix holds exactly those files (no leftovers of another run would be loaded silently).
 */
public final class RedshiftCopyReplace extends PTransform<PCollection<String>, PDone> {
  private static final Logger LOG = LoggerFactory.getLogger(RedshiftCopyReplace.class);
  private static final Pattern IAM_ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

  private final Load load;

  private RedshiftCopyReplace(Load load) {
    this.load = load;
  }

  /**
   * @param target the table (validated by {@link JdbcTarget}) and the connection
   * @param prefix the {@code s3://} directory the Parquet files are in
   * @param iamRole the role ARN Redshift assumes to read the prefix
   * @throws IllegalArgumentException when the prefix is not on S3 or the role is not a role ARN
   */
  public static RedshiftCopyReplace of(JdbcTarget target, String prefix, String iamRole) {
    return of(target.table(), prefix, iamRole, SqlSession.jdbc(target));
  }

  /** As {@link #of(JdbcTarget, String, String)}, sending the SQL to {@code sessions}. */
  public static RedshiftCopyReplace of(String table, String prefix, String iamRole, SqlSession.Factory sessions) {
    if (prefix == null || !prefix.startsWith("s3://") || prefix.contains("'")) {
      throw new IllegalArgumentException("Redshift COPY reads from S3: the output must be an s3:// prefix, got " + prefix);
    }
    if (iamRole == null || !IAM_ROLE.matcher(iamRole).matches()) {
      throw new IllegalArgumentException(
          "--redshiftIamRole must be an IAM role ARN such as arn:aws:iam::123456789012:role/redshift-copy, got " + iamRole);
    }
    return new RedshiftCopyReplace(new Load(table, prefix.endsWith("/") ? prefix : prefix + "/", iamRole, sessions));
  }

  /** The statements sent, in order, when the load succeeds. */
  public List<String> statements() {
    return load.statements();
  }

  Load load() {
    return load;
  }

  /**
   * On the driver, before any input is read: connects (so a wrong password or an unreachable host
   * fails the run in seconds) and checks the table exists and this login may delete from and insert
   * into it, in a transaction that touches no row and is rolled back.
   */
  public void checkTarget() throws SQLException {
    try (SqlSession session = load.sessions().open()) {
      load.check(session);
    }
  }

  @Override
  public PDone expand(PCollection<String> writtenFiles) {
    writtenFiles
        // Without defaults an empty gold would skip the load; an empty gold must empty the table.
        .apply("AllFiles", Combine.globally(new ListFn()))
        .apply("Copy " + load.table(), ParDo.of(new CopyFn(load)));
    return PDone.in(writtenFiles.getPipeline());
  }

  /** What one load does; serializable, so the worker that runs it gets it whole. */
  record Load(String table, String prefix, String iamRole, SqlSession.Factory sessions) implements Serializable {

    List<String> statements() {
      return List.of(
          "BEGIN",
          "DELETE FROM " + table,
          "COPY " + table + " FROM '" + prefix + "' IAM_ROLE '" + iamRole + "' FORMAT AS PARQUET",
          "COMMIT");
    }

    /** Statements that need the rights the load needs, and change nothing. */
    List<String> checkStatements() {
      return List.of(
          "BEGIN",
          "DELETE FROM " + table + " WHERE 1 = 0",
          "INSERT INTO " + table + " SELECT * FROM " + table + " WHERE 1 = 0",
          "ROLLBACK");
    }

    void check(SqlSession session) throws SQLException {
      try {
        for (String statement : checkStatements()) {
          session.execute(statement);
        }
      } catch (SQLException e) {
        try {
          session.execute("ROLLBACK");
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        // No cause: a run report names the deepest cause, and this message says what to fix.
        SQLException failure = new SQLException(
            "cannot replace the Redshift table " + table + ": " + JdbcTarget.scrub(e.getMessage(), null)
                + " The table must exist (see scripts/sql/nyc_main_data.redshift.sql) and the user needs DELETE and INSERT on it.",
            e.getSQLState());
        failure.setStackTrace(e.getStackTrace());
        throw failure;
      }
    }

    /** Sends the statements; on failure sends {@code ROLLBACK} and rethrows. */
    void replace(SqlSession session) throws SQLException {
      List<String> sql = statements();
      try {
        for (String statement : sql) {
          session.execute(statement);
        }
      } catch (SQLException | RuntimeException e) {
        try {
          session.execute("ROLLBACK");
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }

    /** Fails unless the objects under the prefix are exactly the files written. */
    void checkPrefixHolds(List<String> written) throws IOException {
      Set<String> expected = new TreeSet<>(written);
      for (String file : expected) {
        if (!file.startsWith(prefix)) {
          throw new IllegalStateException("written file " + file + " is not under the COPY prefix " + prefix);
        }
      }
      MatchResult match = FileSystems.match(prefix + "**", EmptyMatchTreatment.ALLOW);
      Set<String> present = new TreeSet<>();
      for (MatchResult.Metadata m : match.metadata()) {
        present.add(m.resourceId().toString());
      }
      List<String> others = new ArrayList<>(present);
      others.removeAll(expected);
      if (!others.isEmpty()) {
        throw new IllegalStateException(
            "refusing to COPY " + prefix + " into " + table + ": COPY would also load objects this run did not write: " + others
                + ". Write the gold to an empty prefix or remove them.");
      }
    }
  }

  /** Gathers the file names in one list (an empty list for no files, unlike a GroupByKey). */
  private static final class ListFn extends Combine.CombineFn<String, List<String>, List<String>> {
    @Override
    public List<String> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<String> addInput(List<String> files, String file) {
      files.add(file);
      return files;
    }

    @Override
    public List<String> mergeAccumulators(Iterable<List<String>> lists) {
      List<String> all = new ArrayList<>();
      lists.forEach(all::addAll);
      return all;
    }

    @Override
    public List<String> extractOutput(List<String> files) {
      return files;
    }
  }

  private static final class CopyFn extends DoFn<List<String>, Void> {
    private final Counter loads = EtlMetrics.counter("loads");
    private final Load load;

    CopyFn(Load load) {
      this.load = load;
    }

    @ProcessElement
    public void process(@Element List<String> written) throws IOException, SQLException {
      load.checkPrefixHolds(written);
      try (SqlSession session = load.sessions().open()) {
        load.replace(session);
      }
      loads.inc();
      LOG.info("replaced {} with the {} Parquet files under {}", load.table(), written.size(), load.prefix());
    }
  }
}
