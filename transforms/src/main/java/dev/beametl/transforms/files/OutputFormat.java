package dev.beametl.transforms.files;

/** The file formats rows are written in; each pipeline says which it accepts. */
public enum OutputFormat {
  PARQUET,
  CSV,
  JSONL
}
