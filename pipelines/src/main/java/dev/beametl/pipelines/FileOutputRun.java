package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.transforms.files.OutputLease;
import dev.beametl.transforms.files.OutputManifest;
import dev.beametl.transforms.files.StagedOutput;
import dev.beametl.transforms.report.RunReport;
import org.apache.beam.sdk.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every file pipeline commits: it holds the output's {@link OutputLease} for the whole run,
 * writes into the run's {@link StagedOutput}, and its post-success step (after the gates) publishes
 * the staged files, writes the {@link OutputManifest}, and only then archives or deletes inputs. A
 * failed or gated run removes its staged files; a killed run's are removed by the next run.
 */
final class FileOutputRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileOutputRun.class);

  private final OutputLease lease;
  private final StagedOutput staged;
  private final OutputManifest manifest;

  private FileOutputRun(OutputLease lease, StagedOutput staged, OutputManifest manifest) {
    this.lease = lease;
    this.staged = staged;
    this.manifest = manifest;
  }

  /** Takes the output's lease (a second run refuses, naming the holder) and clears what killed runs staged. */
  static FileOutputRun start(PipelineRun run, EtlOptions options, String pipeline, String output) {
    return run.prepare(
        () -> {
          OutputLease lease = OutputLease.take(output, pipeline, options.getRunId(), options);
          try {
            StagedOutput staged = StagedOutput.of(output, options.getRunId());
            staged.discardAbandoned();
            return new FileOutputRun(lease, staged, OutputManifest.read(output));
          } catch (Exception e) {
            lease.close();
            throw e;
          }
        });
  }

  /** Where the pipeline writes. */
  String directory() {
    return staged.directory();
  }

  StagedOutput staged() {
    return staged;
  }

  /** What the output held before this run. */
  OutputManifest manifest() {
    return manifest;
  }

  /** Runs the pipeline; {@code publish} runs after the gates, while the lease is verified to be ours. */
  RunReport execute(PipelineRun run, Pipeline pipeline, PipelineRun.AfterSuccess publish) {
    try {
      return run.execute(
          pipeline,
          report -> {
            lease.check();
            publish.run(report);
          });
    } catch (RuntimeException e) {
      try {
        staged.discard();
      } catch (Exception cleanup) {
        LOG.warn("could not remove the staged files under {} (the next run will): {}", staged.directory(), cleanup.toString());
      }
      throw e;
    }
  }

  @Override
  public void close() {
    lease.close();
  }
}
