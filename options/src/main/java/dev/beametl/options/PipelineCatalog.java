package dev.beametl.options;

import java.util.List;
import java.util.Optional;

/**
 * Every pipeline's CLI name and options interface. The CLI runs them; the EMR launcher validates a
 * request's arguments against them before it creates a cluster.
 */
public final class PipelineCatalog {

  /** One pipeline as the command line knows it. */
  public record Entry(String name, String summary, Class<? extends EtlOptions> optionsClass) {}

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry(
              "loan-filter",
              "Loans CSV -> validate, cast, round, filter -> PostgreSQL table (idempotent).",
              LoanFilterOptions.class),
          new Entry(
              "listing-postprocess",
              "Scraper Parquet (price|occupancy|reviews) -> typed, deduplicated, partitioned Parquet table (safe to re-run).",
              ListingPostprocessOptions.class),
          new Entry(
              "ride-weather",
              "Ride telemetry JSON -> nearest weather station (exact, indexed) -> Parquet/CSV/JSON lines.",
              RideWeatherOptions.class),
          new Entry(
              "dataset-summary",
              "Any CSV -> group-by summary (min, max, sum, avg, count, count_distinct) -> one sorted Parquet/CSV file.",
              DatasetSummaryOptions.class),
          new Entry(
              "taxi-staging",
              "NYC green taxi CSV -> typed staging Parquet/CSV (bad values to rejects).",
              TaxiStagingOptions.class),
          new Entry(
              "taxi-gold",
              "Taxi staging -> totals per pickup location, trip and payment type -> files, then Redshift/PostgreSQL (replace).",
              TaxiGoldOptions.class));

  private PipelineCatalog() {}

  public static List<Entry> entries() {
    return ENTRIES;
  }

  public static Optional<Entry> find(String name) {
    return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst();
  }
}
