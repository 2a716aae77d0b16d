package dev.beametl.transforms.csv;

/** What a file whose header does not fit the pipeline's columns does to the run. */
public enum OnBadHeader {
  /** The run fails before anything is loaded or any input touched, naming the file and the columns. */
  FAIL,
  /** The file is rejected (its header and every record, as bad_header) and the other files load. */
  REJECT
}
