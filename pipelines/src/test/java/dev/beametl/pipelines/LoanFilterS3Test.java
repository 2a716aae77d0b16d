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
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
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
    assertThat(s3.list("loans-in", "archive/"), contains("archive/2024-01/sample_data.csv"));
  }
}
