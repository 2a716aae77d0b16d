package dev.beametl.options;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.options.ApplicationNameOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Options every beam-etl pipeline shares: run identity, rejects and the run report. */
public interface EtlOptions extends PipelineOptions, ApplicationNameOptions, S3AccessOptions, QualityGateOptions {

  @Description("Identifier of this run, written in the run report and the rejects. Default: <pipeline>-<UTC time>-<random>.")
  @Default.InstanceFactory(RunIdFactory.class)
  String getRunId();

  void setRunId(String value);

  @Description("Where rejected records go (local path or s3://). Ends in .csv for CSV, otherwise JSON lines. "
      + "Default: beam-etl-runs/<runId>/rejects.jsonl")
  @Default.InstanceFactory(RejectsPathFactory.class)
  String getRejects();

  void setRejects(String value);

  @Description("Where the JSON run report is written at the end of the run (local path or s3://). "
      + "Default: beam-etl-runs/<runId>/report.json")
  @Default.InstanceFactory(RunReportPathFactory.class)
  String getRunReport();

  void setRunReport(String value);

  /** {@code <appName>-<yyyyMMdd'T'HHmmss'Z'>-<4 hex>}: sortable, and unique enough for concurrent runs. */
  class RunIdFactory implements DefaultValueFactory<String> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    @Override
    public String create(PipelineOptions options) {
      String app = options.as(ApplicationNameOptions.class).getAppName();
      String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
      return String.format("%s-%s-%04x", app, stamp, ThreadLocalRandom.current().nextInt(0x10000));
    }
  }

  class RejectsPathFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return "beam-etl-runs/" + options.as(EtlOptions.class).getRunId() + "/rejects.jsonl";
    }
  }

  class RunReportPathFactory implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return "beam-etl-runs/" + options.as(EtlOptions.class).getRunId() + "/report.json";
    }
  }
}
