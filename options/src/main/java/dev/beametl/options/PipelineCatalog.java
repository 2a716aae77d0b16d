package dev.beametl.options;

import dev.beametl.transforms.files.OutputFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every pipeline's CLI name, options interface and rules. The CLI parses and checks a run's
 * arguments with them; the EMR launcher, which has no runner, checks a request's arguments with the
 * same before it creates a cluster (both through {@link OptionsParser}). Each pipeline class in
 * {@code pipelines/} binds its run to its entry by the entry's options interface ({@code EtlPipeline.of}).
 */
public final class PipelineCatalog {

  /**
   * One pipeline as the command line knows it.
   *
   * @param exampleInput what {@code --input} typically looks like for this pipeline (for --help)
   * @param required options this pipeline needs although its options interface cannot mark them
   *     required (they are shared with pipelines that do not)
   * @param defaults defaults the pipeline applies itself, as --help shows them
   * @param outputFormats the {@code --outputFormat} values it writes; empty if it writes no files
   * @param rules its rules across options
   */
  public record Entry(
      String name,
      String summary,
      Class<? extends EtlOptions> optionsClass,
      String exampleInput,
      Set<String> required,
      Map<String, String> defaults,
      List<OutputFormat> outputFormats,
      OptionsRules rules) {

    /** The options the pipeline takes (its interface and all its parents). */
    public OptionsSchema schema() {
      return OptionsSchema.of(optionsClass);
    }

    /** Required options, whether its interface marks them or the pipeline needs them. */
    public boolean isRequired(OptionsSchema.Option option) {
      return option.isRequired() || required.contains(option.name());
    }

    /**
     * The values an enum option takes for this pipeline, as written: its constants, of {@code
     * --outputFormat} only those the pipeline writes. Empty for other options.
     */
    public List<String> acceptedValues(OptionsSchema.Option option) {
      if (option.name().equals("outputFormat") && !outputFormats.isEmpty()) {
        return outputFormats.stream().map(OptionsSchema.Option::spelled).toList();
      }
      return option.enumValues();
    }

    /** The default --help shows: the pipeline's own, or the options interface's. */
    public Optional<String> defaultOf(OptionsSchema.Option option) {
      return Optional.ofNullable(defaults.get(option.name())).or(option::defaultText);
    }
  }

  private static final List<OutputFormat> PARQUET_OR_CSV = List.of(OutputFormat.PARQUET, OutputFormat.CSV);
  private static final List<OutputFormat> ANY_FORMAT = List.of(OutputFormat.values());

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry(
              "loan-filter",
              "Loans CSV -> validate, cast, round, filter -> PostgreSQL table (idempotent).",
              LoanFilterOptions.class,
              "s3://bucket/loans/2024-*.csv",
              Set.of("jdbcUrl"),
              Map.of("table", LoanFilterOptions.DEFAULT_TABLE),
              List.of(),
              PipelineRules::loanFilter),
          new Entry(
              "listing-postprocess",
              "Scraper Parquet (price|occupancy|reviews) -> typed, deduplicated, partitioned Parquet table (safe to re-run).",
              ListingPostprocessOptions.class,
              "s3://bucket/scraper/price (holding array_<n>/<yyyyMMddHHmmss>/*.parquet)",
              Set.of(),
              Map.of(),
              List.of(),
              PipelineRules::listingPostprocess),
          new Entry(
              "ride-weather",
              "Ride telemetry JSON -> nearest weather station (exact, indexed) -> Parquet/CSV/JSON lines.",
              RideWeatherOptions.class,
              "s3://bucket/rides/2024-*.json",
              Set.of(),
              Map.of(),
              ANY_FORMAT,
              OptionsRules.NONE),
          new Entry(
              "dataset-summary",
              "Any CSV -> group-by summary (min, max, sum, avg, count, count_distinct) -> one sorted Parquet/CSV/JSON lines file.",
              DatasetSummaryOptions.class,
              "s3://bucket/metrics/*.csv",
              Set.of(),
              Map.of(),
              ANY_FORMAT,
              OptionsRules.NONE),
          new Entry(
              "taxi-staging",
              "NYC green taxi CSV -> typed staging Parquet/CSV (bad values to rejects).",
              TaxiStagingOptions.class,
              "s3://bucket/taxi/raw/green_tripdata_2024-*.csv",
              Set.of(),
              Map.of(),
              PARQUET_OR_CSV,
              PipelineRules::taxiStaging),
          new Entry(
              "taxi-gold",
              "Taxi staging -> totals per pickup location, trip and payment type -> files, then Redshift/PostgreSQL (replace).",
              TaxiGoldOptions.class,
              "s3://bucket/taxi/staging/ (taxi-staging's output directory)",
              Set.of(),
              Map.of("table", TaxiGoldOptions.DEFAULT_TABLE),
              PARQUET_OR_CSV,
              PipelineRules::taxiGold));

  private PipelineCatalog() {}

  public static List<Entry> entries() {
    return ENTRIES;
  }

  public static Optional<Entry> find(String name) {
    return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst();
  }
}
