package dev.beametl.transforms;

import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The DirectRunner under another name, so {@link Materialize} is the shuffle it is on Spark: tests
 * run the graph a cluster runs ({@code options.setRunner(ShufflingRunner.class)}).
 */
public final class ShufflingRunner extends PipelineRunner<PipelineResult> {
  private final PipelineOptions options;

  private ShufflingRunner(PipelineOptions options) {
    this.options = options;
  }

  public static ShufflingRunner fromOptions(PipelineOptions options) {
    return new ShufflingRunner(options);
  }

  @Override
  public PipelineResult run(Pipeline pipeline) {
    return DirectRunner.fromOptions(options).run(pipeline);
  }
}
