package dev.beametl.transforms;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * A Reshuffle of elements in batches of up to {@code BATCH} consecutive elements of a bundle: a
 * materialization, so a counting step before it is never re-run by a fork after it (see the
 * counting rule in docs/architecture.md). Not {@code Reshuffle.viaRandomKey()}: one group per element costs
 * the DirectRunner a fixed price each (minutes for tens of thousands); a batch is still small
 * enough for a group to be held in memory.
 *
 * <p>On the DirectRunner it is no step at all: that runner never re-runs a step, and its shuffle
 * hands on a bundle per key (a sink after it then commits every few rows).
 */
public final class Materialize<T> extends PTransform<PCollection<T>, PCollection<T>> {
  static final int BATCH = 1_000;

  private Materialize() {}

  public static <T> Materialize<T> inBatches() {
    return new Materialize<>();
  }

  /** Whether it is a step (a shuffle) in {@code pipeline}: on every runner but the DirectRunner. */
  public static boolean isStep(Pipeline pipeline) {
    return !pipeline.getOptions().getRunner().getSimpleName().equals("DirectRunner");
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    if (!isStep(input.getPipeline())) {
      return input;
    }
    return input
        .apply("KeyByBatch", ParDo.of(new KeyByBatchFn<T>()))
        .setCoder(KvCoder.of(VarLongCoder.of(), input.getCoder()))
        .apply("Reshuffle", Reshuffle.of())
        .apply("Values", Values.create())
        .setCoder(input.getCoder());
  }

  /** Keys each element by a random batch of its bundle, so batches spread evenly over the workers. */
  static final class KeyByBatchFn<T> extends DoFn<T, KV<Long, T>> {
    private long batch;
    private int inBatch;

    @StartBundle
    public void start() {
      inBatch = BATCH;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<Long, T>> out) {
      if (inBatch == BATCH) {
        batch = ThreadLocalRandom.current().nextLong();
        inBatch = 0;
      }
      inBatch++;
      out.output(KV.of(batch, element));
    }
  }
}
