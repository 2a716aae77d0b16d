package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** s3:// input, rejects, report and archive through Beam's S3 file system, against a local S3 server. */
class LoanFilterS3Test {

  @Test
  void readsFromS3WritesReportAndRejectsThereAndArchivesAfterTheLoad() throws Exception {
    S3Server s3 = S3Server.shared();
    PostgresServer pg = PostgresServer.shared();
    s3.createBucket("loans-in");
    s3.createBucket("loan-runs");
    s3.put("loans-in", "incoming/2024-01/sample_data.csv", Files.readAllBytes(LoanFixtures.SAMPLE));
    // Archived by an earlier run: never overwritten.
    s3.put("loans-in", "archive/2024-01/sample_data.csv", "yesterday".getBytes(StandardCharsets.UTF_8));
    pg.execute("DROP TABLE IF EXISTS loans_s3");

    List<String> args =
        new ArrayList<>(
            List.of(
                "--input=s3://loans-in/incoming/2024-01/*.csv",
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=loans_s3",
                "--rejects=s3://loan-runs/run-1/rejects.jsonl",
                "--runReport=s3://loan-runs/run-1/report.json",
                "--runId=s3-run-1",
                "--afterLoad=archive",
                "--archiveTo=s3://loans-in/archive/2024-01/"));
    args.addAll(s3.pipelineArgs());
    LoanFilter.run(LoanFilterGoldenTest.options(args.toArray(String[]::new)));

    assertThat(LoanFilterGoldenTest.loaded(pg, "loans_s3"), equalTo(LoanFilterGoldenTest.EXPECTED));
    JsonNode report = new ObjectMapper().readTree(s3.get("loan-runs", "run-1/report.json"));
    assertThat(report.get("status").asText(), is("SUCCEEDED"));
    assertThat(report.get("inputs").get(0).asText(), is("s3://loans-in/incoming/2024-01/sample_data.csv"));
    assertThat(s3.get("loan-runs", "run-1/rejects.jsonl"), notNullValue());
    assertThat(s3.list("loans-in", "incoming/"), empty());
    assertThat(s3.list("loans-in", "archive/"), contains("archive/2024-01/s3-run-1/sample_data.csv", "archive/2024-01/sample_data.csv"));
    assertThat(new String(s3.get("loans-in", "archive/2024-01/sample_data.csv"), StandardCharsets.UTF_8), is("yesterday"));

    // The same run id again would overwrite its archive: refused before anything is loaded or moved.
    s3.put("loans-in", "incoming/2024-01/sample_data.csv", "new content".getBytes(StandardCharsets.UTF_8));
    int exit = BadHeaderTest.cli(Stream.concat(Stream.of("loan-filter"), args.stream()).toArray(String[]::new));
    assertThat(exit, is(2));
    assertThat(s3.list("loans-in", "incoming/"), contains("incoming/2024-01/sample_data.csv"));
    assertThat(s3.get("loans-in", "archive/2024-01/s3-run-1/sample_data.csv"), equalTo(Files.readAllBytes(LoanFixtures.SAMPLE)));
  }
}
