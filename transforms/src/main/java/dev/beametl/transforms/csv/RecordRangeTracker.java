package dev.beametl.transforms.csv;

import java.io.Serializable;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Claims the records of a {@link RecordRange} one by one, by the position just after each, so a
 * checkpoint always leaves a residual that starts exactly where a record starts, with its record
 * and line numbers. Only checkpoints are supported (the ranges are planned up front): they are what
 * lets a runner hand on a range's rows in small bundles instead of all at once.
 */
final class RecordRangeTracker extends RestrictionTracker<RecordRangeTracker.RecordRange, CsvFileReader.Position> {

  /**
   * The records that start at or after {@code start} (null: the file's first record, after its
   * header) and before the byte offset {@code end}.
   */
  record RecordRange(CsvFileReader.@Nullable Position start, long end) implements Serializable {}

  /** Claimed when the reader has no record left in the range. */
  static final CsvFileReader.Position END = new CsvFileReader.Position(Long.MAX_VALUE, -1, -1);

  private RecordRange range;
  private CsvFileReader.@Nullable Position lastClaimed;
  private boolean exhausted;
  private boolean checkpointed;

  RecordRangeTracker(RecordRange range) {
    this.range = range;
  }

  /** Claims the record that ends at {@code after}; false once the range is checkpointed or exhausted. */
  @Override
  public boolean tryClaim(CsvFileReader.Position after) {
    if (checkpointed || exhausted) {
      return false;
    }
    if (after == END) {
      exhausted = true;
      return false;
    }
    lastClaimed = after;
    return true;
  }

  @Override
  public RecordRange currentRestriction() {
    return range;
  }

  @Override
  public @Nullable SplitResult<RecordRange> trySplit(double fractionOfRemainder) {
    if (fractionOfRemainder != 0 || checkpointed || exhausted) {
      return null;
    }
    CsvFileReader.Position resume = lastClaimed != null ? lastClaimed : range.start();
    RecordRange primary = new RecordRange(range.start(), resume == null ? 0 : resume.offset());
    RecordRange residual = new RecordRange(resume, range.end());
    range = primary;
    checkpointed = true;
    return SplitResult.of(primary, residual);
  }

  @Override
  public void checkDone() {
    if (!checkpointed && !exhausted) {
      throw new IllegalStateException("range " + range + " not read to its end; last record claimed ends at " + lastClaimed);
    }
  }

  @Override
  public IsBounded isBounded() {
    return IsBounded.BOUNDED;
  }
}
