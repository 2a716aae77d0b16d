package dev.beametl.options;

/** {@code taxi-staging}: raw NYC TLC green taxi CSV -> typed staging files (Parquet or CSV). */
public interface TaxiStagingOptions
    extends EtlOptions, InputOptions, CsvHeaderOptions, FileOutputOptions, SourceLifecycleOptions, RowRuleOptions {}
