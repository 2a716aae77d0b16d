package dev.beametl.bench.fastpaths;

import dev.beametl.pipelines.TaxiGold;
import dev.beametl.transforms.aggregate.AggregateSpec;
import java.util.SplittableRandom;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;

/** taxi-gold's aggregate ({@code TaxiGold}'s own) (the Parquet bench checks both give the same gold), and trips made up for it. */
final class Trips {
  /** The staging columns the gold reads. */
  static final Schema COLUMNS = TaxiGold.INPUT;

  /** Counts each group's trips as {@code trip_count}: their sum over the groups is the rows aggregated. */
  static final AggregateSpec TOTALS = TaxiGold.TOTALS;

  private Trips() {}

  /**
   * Makes up the trips of one shard (trips {@code shard * perShard} and on), the same for the same
   * numbers: about 3,000 groups (265 zones, 2 trip types, 5 payment types, each key null for about
   * 8% of rows, as store-and-forward trips are), money in cents.
   */
  static final class MakeUpFn extends DoFn<Integer, Row> {
    private final long perShard;

    MakeUpFn(long perShard) {
      this.perShard = perShard;
    }

    @ProcessElement
    public void process(@Element Integer shard, OutputReceiver<Row> out) {
      for (long n = shard * perShard; n < (shard + 1) * perShard; n++) {
        out.output(trip(new SplittableRandom(n)));
      }
    }

    private static Row trip(SplittableRandom random) {
      boolean storeAndForward = random.nextInt(100) < 8;
      int fareCents = 250 + random.nextInt(6_000);
      int tipCents = random.nextInt(4) == 0 ? random.nextInt(1_500) : 0;
      return Row.withSchema(COLUMNS)
          .addValues(
              random.nextInt(100) < 8 ? null : 1L + random.nextInt(265),
              storeAndForward ? null : random.nextInt(20) == 0 ? 2L : 1L,
              storeAndForward ? null : 1L + random.nextInt(5),
              fareCents / 100.0,
              random.nextInt(50) == 0 ? null : random.nextInt(3_000) / 100.0,
              tipCents / 100.0,
              (fareCents + tipCents + 130) / 100.0)
          .build();
    }
  }
}
