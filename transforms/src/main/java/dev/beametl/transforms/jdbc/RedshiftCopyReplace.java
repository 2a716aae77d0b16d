package dev.beametl.transforms.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.util.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a Redshift table's content with Parquet files on S3, in one transaction: {@code BEGIN;
 * DELETE FROM t; COPY t FROM '<manifest>' IAM_ROLE '...' FORMAT AS PARQUET MANIFEST; COMMIT}.
 * Readers see the old rows until the commit and the new ones after it, never an empty or
 * half-loaded table. On any error it rolls back and the table keeps its old content.
 *
 * <p>It runs on the driver, after the pipeline and its gates passed, on the files the run staged.
 * COPY from a prefix would load every object under it (a lease, a manifest, a leftover file), so
 * the load writes a COPY manifest naming exactly the files to load, with their sizes (Redshift
 * needs {@code content_length} for Parquet).
 */
public final class RedshiftCopyReplace {
  private static final Logger LOG = LoggerFactory.getLogger(RedshiftCopyReplace.class);
  private static final Pattern IAM_ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

  private final String table;
  private final String iamRole;
  private final SqlSession.Factory sessions;

  private RedshiftCopyReplace(String table, String iamRole, SqlSession.Factory sessions) {
    this.table = table;
    this.iamRole = iamRole;
    this.sessions = sessions;
  }

  /**
   * @param target the table (validated by {@link JdbcTarget}) and the connection
   * @param output where the Parquet files are written: an {@code s3://} directory
   * @param iamRole the role ARN Redshift assumes to read them
   * @throws IllegalArgumentException when the output is not on S3 or the role is not a role ARN
   */
  public static RedshiftCopyReplace of(JdbcTarget target, String output, String iamRole) {
    return of(target.table(), output, iamRole, SqlSession.jdbc(target));
  }

  /** As {@link #of(JdbcTarget, String, String)}, sending the SQL to {@code sessions}. */
  public static RedshiftCopyReplace of(String table, String output, String iamRole, SqlSession.Factory sessions) {
    if (output == null || !output.startsWith("s3://") || output.contains("'")) {
      throw new IllegalArgumentException("Redshift COPY reads from S3: the output must be an s3:// prefix, got " + output);
    }
    if (iamRole == null || !IAM_ROLE.matcher(iamRole).matches()) {
      throw new IllegalArgumentException(
          "--redshiftIamRole must be an IAM role ARN such as arn:aws:iam::123456789012:role/redshift-copy, got " + iamRole);
    }
    return new RedshiftCopyReplace(table, iamRole, sessions);
  }

  public String table() {
    return table;
  }

  /**
   * The statements of a load from the manifest at {@code manifest}; no COPY when there is no file
   * (COPY fails on an empty manifest, and an empty gold must empty the table).
   */
  public List<String> statements(String manifest, boolean anyFile) {
    List<String> sql = new ArrayList<>(List.of("BEGIN", "DELETE FROM " + table));
    if (anyFile) {
      sql.add("COPY " + table + " FROM '" + manifest + "' IAM_ROLE '" + iamRole + "' FORMAT AS PARQUET MANIFEST");
    }
    sql.add("COMMIT");
    return sql;
  }

  /** Statements that need the rights the load needs, and change nothing. */
  static List<String> checkStatements(String table) {
    return List.of(
        "BEGIN",
        "DELETE FROM " + table + " WHERE 1 = 0",
        "INSERT INTO " + table + " SELECT * FROM " + table + " WHERE 1 = 0",
        "ROLLBACK");
  }

  /**
   * On the driver, before any input is read: connects (so a wrong password or an unreachable host
   * fails the run in seconds) and checks the table exists and this login may delete from and insert
   * into it, in a transaction that touches no row and is rolled back.
   */
  public void checkTarget() throws SQLException {
    try (SqlSession session = sessions.open()) {
      for (String statement : checkStatements(table)) {
        session.execute(statement);
      }
    } catch (SQLException e) {
      // No cause: a run report names the deepest cause, and this message says what to fix.
      SQLException failure = new SQLException(
          "cannot replace the Redshift table " + table + ": " + JdbcTarget.scrub(e.getMessage(), null)
              + " The table must exist (see scripts/sql/nyc_main_data.redshift.sql) and the user needs DELETE and INSERT on it.",
          e.getSQLState());
      failure.setStackTrace(e.getStackTrace());
      throw failure;
    }
  }

  /**
   * Writes the COPY manifest of {@code files} to {@code manifest} (on S3, beside them), then
   * replaces the table's content with them in one transaction; on failure sends {@code ROLLBACK}
   * and rethrows.
   */
  public void replaceWith(List<MatchResult.Metadata> files, String manifest) throws IOException, SQLException {
    if (manifest.contains("'")) {
      throw new IllegalArgumentException("the COPY manifest's path must not hold a quote, got " + manifest);
    }
    writeManifest(files, manifest);
    try (SqlSession session = sessions.open()) {
      try {
        for (String statement : statements(manifest, !files.isEmpty())) {
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
    LOG.info("replaced {} with the {} Parquet files listed in {}", table, files.size(), manifest);
  }

  /** {@code {"entries": [{"url": ..., "mandatory": true, "meta": {"content_length": ...}}]}}. */
  static String manifestJson(List<MatchResult.Metadata> files) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ArrayNode entries = root.putArray("entries");
    for (MatchResult.Metadata file : files) {
      ObjectNode entry = entries.addObject();
      entry.put("url", file.resourceId().toString());
      entry.put("mandatory", true);
      entry.putObject("meta").put("content_length", file.sizeBytes());
    }
    return root.toPrettyString();
  }

  private static void writeManifest(List<MatchResult.Metadata> files, String manifest) throws IOException {
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(manifest, false), MimeTypes.TEXT))) {
      out.write(manifestJson(files).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
