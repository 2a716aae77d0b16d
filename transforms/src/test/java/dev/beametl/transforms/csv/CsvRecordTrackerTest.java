package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.beametl.transforms.records.RecordRange;
import dev.beametl.transforms.records.RecordTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints resume exactly at the next record: reading a range in checkpointed parts gives the whole range. */
class CsvRecordTrackerTest {
  @TempDir Path tmp;

  @Test
  void checkpointAfterEveryFewRecordsReadsEachRecordOnce() throws Exception {
    Path file = Files.writeString(tmp.resolve("f.csv"), LoanLikeCsv.file(5_000, java.util.Map.of(3L, "3,\"oops")));
    CsvFileRange whole = SplitCsvFiles.plan(file.toString(), Files.size(file), Long.MAX_VALUE).get(0);
    List<Long> numbers = new ArrayList<>();
    RecordRange<CsvFileReader.Position> part = whole.range();
    int parts = 0;
    while (part != null) {
      parts++;
      RecordTracker<CsvFileReader.Position> tracker = new RecordTracker<>(part);
      RecordRange<CsvFileReader.Position> residual = null;
      try (CsvFileReader reader = whole.open(part)) {
        int claimed = 0;
        for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
          if (claimed == 97) {
            SplitResult<RecordRange<CsvFileReader.Position>> split = tracker.trySplit(0);
            residual = split.getResidual();
          }
          if (!tracker.tryClaim(reader.position())) {
            break;
          }
          claimed++;
          numbers.add(r.number());
        }
        if (residual == null) {
          tracker.tryClaim(CsvRangeRecords.END);
          assertThat(tracker.trySplit(0), nullValue());
        }
      }
      tracker.checkDone();
      part = residual;
    }
    assertThat(parts, is(5_000 / 97 + 1));
    assertThat(numbers.size(), is(5_000));
    for (int i = 0; i < numbers.size(); i++) {
      assertThat(numbers.get(i), is(i + 1L));
    }
  }
}
