package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.InvalidOptionsException;
import dev.beametl.options.OptionsParser;
import dev.beametl.options.PathStyleS3ClientBuilderFactory;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.transforms.report.RunReport;
import java.util.function.Function;

/**
 * One pipeline as the CLI runs it: its {@link PipelineCatalog} entry (name, summary, options
 * interface and rules, which the EMR launcher checks requests with, having no runner) and its run.
 * Each pipeline class declares its own as {@code PIPELINE}; {@link BeamEtl} lists them.
 *
 * @param <O> the pipeline's options interface
 */
public interface EtlPipeline<O extends EtlOptions> {

  /** Its CLI name, options interface and rules. */
  PipelineCatalog.Entry entry();

  Class<O> optionsClass();

  /** Runs the pipeline on options it has {@linkplain #parse parsed}; returns its report. */
  RunReport run(O options);

  default String name() {
    return entry().name();
  }

  /**
   * Parses and checks the pipeline's arguments as the EMR launcher does (unknown, missing or
   * mistyped options and the pipeline's rules are errors).
   *
   * @throws InvalidOptionsException naming every problem
   */
  default O parse(String[] args) {
    EtlOptions options = OptionsParser.parse(entry(), args);
    PathStyleS3ClientBuilderFactory.install(options);
    return options.as(optionsClass());
  }

  /**
   * The pipeline whose catalog entry takes {@code optionsClass} (each pipeline has an options
   * interface of its own), run by {@code run}.
   *
   * @throws IllegalStateException when no catalog entry takes that interface
   */
  static <O extends EtlOptions> EtlPipeline<O> of(Class<O> optionsClass, Function<O, RunReport> run) {
    PipelineCatalog.Entry entry =
        PipelineCatalog.entries().stream()
            .filter(e -> e.optionsClass() == optionsClass)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no pipeline in PipelineCatalog takes " + optionsClass.getName()));
    return new Registered<>(entry, optionsClass, run);
  }

  /** What {@link #of} returns. */
  record Registered<O extends EtlOptions>(PipelineCatalog.Entry entry, Class<O> optionsClass, Function<O, RunReport> runner)
      implements EtlPipeline<O> {
    @Override
    public RunReport run(O options) {
      return runner.apply(options);
    }
  }
}
