package dev.beametl.options;

import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/**
 * {@code listing-postprocess}: raw scraper Parquet under {@code <input>/array_<n>/<yyyyMMddHHmmss>/}
 * -> typed, deduplicated rows appended to a Parquet table partitioned by {@code id % partitions}.
 */
public interface ListingPostprocessOptions extends EtlOptions, SourceLifecycleOptions, RowRuleOptions {

  /** The three scraper outputs; each has its own columns and de-duplication key (SPEC section 5). */
  enum Kind {
    PRICE("index", "cleaning_fee", "service_fee", "total_price", "check_in", "check_out", "total_price_description",
        "currency", "id", "trigger_time", "pulled"),
    OCCUPANCY("index", "date", "available", "min_nights", "max_nights", "available_for_checkin", "available_for_checkout",
        "bookable", "id", "trigger_time", "pulled"),
    REVIEWS("index", "date_of_review", "review", "rating", "pulled", "id");

    private final List<String> columns;

    Kind(String... columns) {
      this.columns = List.of(columns);
    }

    /** The kind's table columns, in order (the partition column may not be one of them). */
    public List<String> columns() {
      return columns;
    }
  }

  @Description("Which scraper output this run reads: price, occupancy or reviews.")
  @Validation.Required
  Kind getKind();

  void setKind(Kind value);

  @Description("Root of the raw scraper output (local dir or s3://bucket/prefix). The run reads every "
      + "<input>/array_<n>/<yyyyMMddHHmmss>/*.parquet it finds when it starts.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("Root of the table (local dir or s3://bucket/prefix). New rows are appended as "
      + "<output>/<partitionColumn>=<n>/part-<runId>-<random>-*.parquet; rows already there are never written again.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("Number of partitions: a row goes to partition id % partitions. Must match the existing table.")
  @Default.Integer(20)
  int getPartitions();

  void setPartitions(int value);

  @Description("Name of the partition column (a directory level of the table). Tables written by the "
      + "old PySpark job use parition_col.")
  @Default.String("partition_col")
  String getPartitionColumn();

  void setPartitionColumn(String value);

  @Description("Parquet files written per partition per run.")
  @Default.Integer(1)
  int getFilesPerPartition();

  void setFilesPerPartition(int value);
}
