package dev.beametl.transforms.records;

import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Claims the records of a {@link RecordRange}, one or a batch of consecutive ones at a time, by
 * the position just after them, so a checkpoint always leaves a residual that starts exactly where
 * a record starts, with its numbers. Only checkpoints are supported (ranges are planned up front):
 * they are what lets a runner hand on a range's records in small bundles instead of all at once.
 */
public final class RecordTracker<P extends RecordPosition> extends RestrictionTracker<RecordRange<P>, P> {
  private RecordRange<P> range;
  private @Nullable P lastClaimed;
  private boolean checkpointed;
  private boolean finished;

  public RecordTracker(RecordRange<P> range) {
    this.range = range;
  }

  /**
   * Claims the records that end at {@code after} (they start where the last claimed ones ended);
   * false once checkpointed, when they start at or after the range's end, or for a position at
   * {@link Long#MAX_VALUE} (no record left: the range is finished).
   */
  @Override
  public boolean tryClaim(P after) {
    if (checkpointed || finished) {
      return false;
    }
    long start = lastClaimed != null ? lastClaimed.offset() : range.startOffset();
    if (after.offset() == Long.MAX_VALUE || start >= range.until()) {
      finished = true;
      return false;
    }
    lastClaimed = after;
    return true;
  }

  @Override
  public RecordRange<P> currentRestriction() {
    return range;
  }

  @Override
  public @Nullable SplitResult<RecordRange<P>> trySplit(double fractionOfRemainder) {
    if (fractionOfRemainder != 0 || checkpointed || finished) {
      return null;
    }
    P resume = lastClaimed != null ? lastClaimed : range.from();
    RecordRange<P> residual = new RecordRange<>(resume, range.until());
    range = new RecordRange<>(range.from(), resume == null ? range.startOffset() : resume.offset());
    checkpointed = true;
    return SplitResult.of(range, residual);
  }

  @Override
  public void checkDone() {
    if (!checkpointed && !finished) {
      throw new IllegalStateException("range " + range + " not read to its end; last record claimed ends at " + lastClaimed);
    }
  }

  @Override
  public IsBounded isBounded() {
    return IsBounded.BOUNDED;
  }
}
