package dev.beametl.pipelines;

import dev.beametl.options.DatasetSummaryOptions;
import dev.beametl.options.EtlOptions;
import dev.beametl.options.InvalidOptionsException;
import dev.beametl.options.ListingPostprocessOptions;
import dev.beametl.options.LoanFilterOptions;
import dev.beametl.options.OptionsParser;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.options.RideWeatherOptions;
import dev.beametl.options.TaxiGoldOptions;
import dev.beametl.options.TaxiStagingOptions;
import dev.beametl.transforms.report.Credentials;
import dev.beametl.transforms.report.RunReport;
import dev.beametl.transforms.s3.PathStyleS3ClientBuilderFactory;
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
    Optional<PipelineCatalog.Entry> entry = PipelineCatalog.find(args[0]);
    if (entry.isEmpty()) {
      err.println("error: unknown pipeline '" + args[0] + "'");
      printUsage(err);
      return BAD_ARGUMENTS;
    }
    String[] pipelineArgs = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.stream(pipelineArgs).anyMatch(BeamEtl::isHelp)) {
      OptionsHelp.print(entry.get(), out);
      return 0;
    }
    EtlOptions options;
    try {
      options = parse(entry.get(), pipelineArgs);
    } catch (InvalidOptionsException e) {
      e.problems().forEach(problem -> err.println("error: " + problem));
      err.println("Run 'beam-etl " + entry.get().name() + " --help' for its options.");
      return BAD_ARGUMENTS;
    }
    try {
      RunReport report = run(entry.get().name(), options);
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
   */
  public static EtlOptions parse(PipelineCatalog.Entry entry, String[] args) {
    EtlOptions options = OptionsParser.parse(entry, args);
    PathStyleS3ClientBuilderFactory.install(options);
    return options;
  }

  static RunReport run(String pipeline, EtlOptions options) {
    switch (pipeline) {
      case LoanFilter.NAME:
        return LoanFilter.run(options.as(LoanFilterOptions.class));
      case ListingPostprocess.NAME:
        return ListingPostprocess.run(options.as(ListingPostprocessOptions.class));
      case RideWeather.NAME:
        return RideWeather.run(options.as(RideWeatherOptions.class));
      case DatasetSummary.NAME:
        return DatasetSummary.run(options.as(DatasetSummaryOptions.class));
      case TaxiStaging.NAME:
        return TaxiStaging.run(options.as(TaxiStagingOptions.class));
      case TaxiGold.NAME:
        return TaxiGold.run(options.as(TaxiGoldOptions.class));
      default:
        throw new IllegalStateException("pipeline " + pipeline + " is in the catalog but has no runner");
    }
  }

  private static boolean isHelp(String arg) {
    return List.of("--help", "-h", "help").contains(arg) || arg.startsWith("--help=");
  }

  private static void printUsage(PrintStream out) {
    out.println("usage: beam-etl <pipeline> [--option=value ...]");
    out.println("       beam-etl <pipeline> --help    (that pipeline's options)");
    out.println();
    out.println("pipelines:");
    for (PipelineCatalog.Entry e : PipelineCatalog.entries()) {
      out.printf("  %-22s %s%n", e.name(), e.summary());
    }
    out.println();
    out.println("Runs on the DirectRunner unless --runner=SparkRunner (with --sparkMaster=local[N] for Spark local mode).");
  }
}
