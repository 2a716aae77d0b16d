package dev.beametl.transforms.json;

import java.io.Serializable;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Claims a JSON file's records one by one, by the reader's {@link JsonRecordReader.Position} just
 * after each, so a checkpoint leaves a residual that starts exactly between two records, with their
 * numbers. Only checkpoints are supported: they are what lets a runner hand on a file's records in
 * small bundles instead of all at once.
 */
final class RecordPositionTracker extends RestrictionTracker<RecordPositionTracker.Rest, JsonRecordReader.Position> {

  /**
   * The records of a file that start at or after {@code from} (null: the file's start, its layout
   * still to be found) and before the byte offset {@code until}.
   */
  record Rest(JsonRecordReader.@Nullable Position from, long until) implements Serializable {
    static Rest wholeFile() {
      return new Rest(null, Long.MAX_VALUE);
    }

    long startOffset() {
      return from == null ? 0 : from.offset();
    }
  }

  /** Claimed when the reader has no record left: finishes the file. */
  static final JsonRecordReader.Position FINISHED = new JsonRecordReader.Position(Long.MAX_VALUE, -1, -1, JsonRecordReader.Layout.LINES, true);

  private Rest rest;
  private JsonRecordReader.@Nullable Position lastClaimed;
  private boolean checkpointed;
  private boolean finished;

  RecordPositionTracker(Rest rest) {
    this.rest = rest;
  }

  /**
   * Claims the records that end at {@code after} (they start where the last claimed one ended):
   * one record, or a batch of consecutive ones; false once checkpointed, or when they start at or
   * after {@code until}.
   */
  @Override
  public boolean tryClaim(JsonRecordReader.Position after) {
    if (checkpointed || finished) {
      return false;
    }
    if (after == FINISHED) {
      finished = true;
      return false;
    }
    long start = lastClaimed != null ? lastClaimed.offset() : rest.startOffset();
    if (start >= rest.until()) {
      finished = true;
      return false;
    }
    lastClaimed = after;
    return true;
  }

  @Override
  public Rest currentRestriction() {
    return rest;
  }

  @Override
  public @Nullable SplitResult<Rest> trySplit(double fractionOfRemainder) {
    if (fractionOfRemainder != 0 || checkpointed || finished) {
      return null;
    }
    JsonRecordReader.Position resume = lastClaimed != null ? lastClaimed : rest.from();
    Rest residual = new Rest(resume, rest.until());
    rest = new Rest(rest.from(), resume == null ? rest.startOffset() : resume.offset());
    checkpointed = true;
    return SplitResult.of(rest, residual);
  }

  @Override
  public void checkDone() {
    if (!checkpointed && !finished) {
      throw new IllegalStateException("file not read to its end; last record claimed ends at " + lastClaimed);
    }
  }

  @Override
  public IsBounded isBounded() {
    return IsBounded.BOUNDED;
  }
}
