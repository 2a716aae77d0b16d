package dev.beametl.pipelines;

import java.util.List;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;

/** Lets tests name {@link ForkCheckingRunner} as {@code --runner=ForkCheckingRunner}. */
public final class ForkCheckingRunnerRegistrar implements PipelineRunnerRegistrar {
  @Override
  public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
    return List.of(ForkCheckingRunner.class);
  }
}
