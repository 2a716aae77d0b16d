package dev.beametl.transforms.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WriteRejects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report is built from real counters of a real run, and so are the rejects. */
class RunReportTest {
  @TempDir Path tmp;

  static final class CountReads extends DoFn<Reject, Reject> {
    @ProcessElement
    public void process(@Element Reject r, OutputReceiver<Reject> out) {
      EtlMetrics.read().inc();
      out.output(r);
    }
  }

  PipelineResult runWithRejects(String rejectsPath) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(
            Create.of(
                new Reject("parse", "unparsable_value", "amount", "'x' is not a valid number", "s3://b/a.csv", 3, "1,x"),
                new Reject("parse", "missing_field", null, "expected 2 fields, found 1", "s3://b/a.csv", 4, "1")))
        .apply(ParDo.of(new CountReads()))
        .apply(WriteRejects.to(rejectsPath));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  @Test
  void reportCountsAndReasonsComeFromTheRun() throws Exception {
    Path rejects = tmp.resolve("rejects.jsonl");
    PipelineResult result = runWithRejects(rejects.toString());
    RunReport report =
        new RunReport("demo", "run-1", Instant.parse("2024-01-01T00:00:00Z"))
            .inputs(List.of("s3://b/a.csv"))
            .output("table loans")
            .counters(result)
            .succeeded(Instant.parse("2024-01-01T00:00:02.5Z"));

    assertThat(report.count("read"), is(2L));
    assertThat(report.count("rejected"), is(2L));
    assertThat(report.balanced(), is(true));
    assertThat(report.summary(), is("demo SUCCEEDED in 2.5 s: read 2, written 0, filtered 0, rejected 2 {missing_field=1, unparsable_value=1}"));

    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    Path file = tmp.resolve("report.json");
    report.writeTo(file.toString());
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.get("pipeline").asText(), is("demo"));
    assertThat(json.get("runId").asText(), is("run-1"));
    assertThat(json.get("status").asText(), is("SUCCEEDED"));
    assertThat(json.get("counts").get("read").asLong(), is(2L));
    assertThat(json.get("counts").get("written").asLong(), is(0L));
    assertThat(json.get("rejectReasons").get("unparsable_value").asLong(), is(1L));
    assertThat(json.get("inputs").get(0).asText(), is("s3://b/a.csv"));
    assertThat(json.get("outputs").get(0).asText(), is("table loans"));
    assertThat(json.get("durationSeconds").asDouble(), is(2.5));

    List<String> lines = Files.readAllLines(rejects);
    assertThat(lines.size(), is(2));
    JsonNode first = new ObjectMapper().readTree(lines.stream().filter(l -> l.contains("amount")).findFirst().orElseThrow());
    assertThat(first.get("reason").asText(), is("unparsable_value"));
    assertThat(first.get("record").asLong(), is(3L));
    assertThat(first.get("original").asText(), is("1,x"));
  }

  /** Increments the named counters by the given amounts, once. */
  static RunReport reportOfCounts(Object... nameThenAmount) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(1))
        .apply(
            ParDo.of(
                new DoFn<Integer, Integer>() {
                  @ProcessElement
                  public void process() {
                    for (int i = 0; i < nameThenAmount.length; i += 2) {
                      EtlMetrics.counter((String) nameThenAmount[i]).inc((Integer) nameThenAmount[i + 1]);
                    }
                  }
                }));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return new RunReport("demo", "run-3", Instant.now()).counters(result);
  }

  @Test
  void anAggregationBalancesItsRecordsAgainstAggregatedAndCountsOutputRowsWritten() {
    RunReport gold = reportOfCounts("read", 29, "aggregated", 28, "rejected", 1, "written", 9);
    assertThat(gold.balanced(), is(true));
    assertThat(gold.countsLine(), is("read 29, aggregated 28, written 9, filtered 0, rejected 1"));

    assertThat(reportOfCounts("read", 29, "aggregated", 27, "written", 9).unaccounted(), is(2L));
  }

  @Test
  void midRunCountsSayHowManyRecordsHaveNoOutcomeYet() {
    // Rejects are counted where they are written, a step after the records were read.
    RunReport progress = reportOfCounts("read", 400, "written", 380);
    assertThat(progress.unaccounted(), is(20L));
    assertThat(progress.balanced(), is(false));
    assertThat(progress.countsLine(), is("read 400, written 380, filtered 0, rejected 0"));
  }

  @Test
  void rejectsCanBeCsvAndAFailedRunSaysWhy() throws Exception {
    Path rejects = tmp.resolve("rejects.csv");
    runWithRejects(rejects.toString());
    List<String> lines = Files.readAllLines(rejects);
    assertThat(lines.get(0), is("step,reason,column,detail,source,record,original"));
    assertThat(lines.size(), is(3));

    RunReport failed =
        new RunReport("demo", "run-2", Instant.now()).failed(Instant.now(), new IllegalStateException("table is gone"));
    assertThat(failed.status(), is("FAILED"));
    assertThat(failed.toJson(), containsString("table is gone"));
  }

  @Test
  void aRunThatDidNotFinishHasUnknownCountsNotZerosAndNoSecrets() throws Exception {
    RunReport failed =
        new RunReport("demo", "run-3", Instant.now())
            .failed(Instant.now(), new IllegalStateException("cannot connect to jdbc:postgresql://db/x?password=Secret42"));
    JsonNode json = new ObjectMapper().readTree(failed.toJson());
    assertThat(json.get("countsKnown").asBoolean(), is(false));
    assertThat(json.get("counts").isNull(), is(true));
    assertThat(json.get("balanced").isNull(), is(true));
    assertThat(failed.summary(), containsString("counts unknown"));
    assertThat(failed.toJson() + failed.summary(), not(containsString("Secret42")));
  }
}
