package dev.beametl.pipelines;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.InvalidOptionsException;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.transforms.report.Credentials;
import dev.beametl.transforms.report.RunReport;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The command line: {@code beam-etl <pipeline> --option=value ...}. Also the {@code --class} for
 * spark-submit on EMR. Exits non-zero on bad arguments (2) or a failed run (1); returns normally
 * on success.
 */
public final class BeamEtl {
  static final int BAD_ARGUMENTS = 2;
  static final int RUN_FAILED = 1;

  /** Every pipeline the CLI runs, in the order of {@link PipelineCatalog#entries()}, which holds no others. */
  static final List<EtlPipeline<?>> PIPELINES =
      List.of(LoanFilter.PIPELINE, ListingPostprocess.PIPELINE, RideWeather.PIPELINE, DatasetSummary.PIPELINE,
          TaxiStaging.PIPELINE, TaxiGold.PIPELINE);

  private BeamEtl() {}

  public static void main(String[] args) {
    int status = execute(RealRunDefaults.apply(args), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command; returns the process exit status. */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || isHelp(args[0])) {
      printUsage(args.length == 0 ? err : out);
      return args.length == 0 ? BAD_ARGUMENTS : 0;
    }
    Optional<EtlPipeline<?>> pipeline = pipeline(args[0]);
    if (pipeline.isEmpty()) {
      err.println("error: unknown pipeline '" + args[0] + "'");
      printUsage(err);
      return BAD_ARGUMENTS;
    }
    String[] pipelineArgs = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.stream(pipelineArgs).anyMatch(BeamEtl::isHelp)) {
      OptionsHelp.print(pipeline.get().entry(), out);
      return 0;
    }
    return parseAndRun(pipeline.get(), pipelineArgs, err);
  }

  private static <O extends EtlOptions> int parseAndRun(EtlPipeline<O> pipeline, String[] args, PrintStream err) {
    AwsRegionDefault region = AwsRegionDefault.lookUp(args);
    O options;
    try {
      options = pipeline.parse(args);
      region.applyTo(options);
    } catch (InvalidOptionsException e) {
      e.problems().forEach(problem -> err.println("error: " + problem));
      err.println("Run 'beam-etl " + pipeline.name() + " --help' for its options.");
      return BAD_ARGUMENTS;
    }
    try {
      RunReport report = pipeline.run(options);
      return RunReport.SUCCEEDED.equals(report.status()) ? 0 : RUN_FAILED;
    } catch (PipelineRun.PipelineFailedException e) {
      // Its summary (with the error) is already printed, once.
      return RUN_FAILED;
    } catch (IllegalArgumentException e) {
      err.println("error: " + Credentials.scrub(e.getMessage()));
      return BAD_ARGUMENTS;
    }
  }

  /**
   * Parses and checks a pipeline's arguments as the EMR launcher does (unknown, missing or
   * mistyped options and the pipeline's rules are errors).
   *
   * @throws InvalidOptionsException naming every problem
   * @see EtlPipeline#parse
   */
  public static EtlOptions parse(PipelineCatalog.Entry entry, String[] args) {
    return pipeline(entry.name()).orElseThrow().parse(args);
  }

  /** The pipeline the CLI runs under {@code name}. */
  static Optional<EtlPipeline<?>> pipeline(String name) {
    return PIPELINES.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  private static boolean isHelp(String arg) {
    return List.of("--help", "-h", "help").contains(arg) || arg.startsWith("--help=");
  }

  private static void printUsage(PrintStream out) {
    out.println("usage: beam-etl <pipeline> [--option=value ...]");
    out.println("       beam-etl <pipeline> --help    (that pipeline's options)");
    out.println();
    out.println("pipelines:");
    for (EtlPipeline<?> p : PIPELINES) {
      out.printf("  %-22s %s%n", p.name(), p.entry().summary());
    }
    out.println();
    out.println("Runs on the DirectRunner unless --runner=SparkRunner (with --sparkMaster=local[N] for Spark local mode).");
  }
}
