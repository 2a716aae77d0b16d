package dev.beametl.transforms.rejects;

import dev.beametl.transforms.Materialize;
import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/** The typed result of a step that can fail: what it produced, and what it refused. */
public final class WithRejects<T> implements POutput {
  // The names of the two outputs, as Beam's own results (e.g. WriteFilesResult) name theirs.
  private static final TupleTag<?> OUTPUT_NAME = new TupleTag<>("output");
  private static final TupleTag<?> REJECTS_NAME = new TupleTag<>("rejects");

  private final PCollection<T> output;
  private final PCollection<Reject> rejects;

  private WithRejects(PCollection<T> output, PCollection<Reject> rejects) {
    this.output = output;
    this.rejects = rejects;
  }

  public static <T> WithRejects<T> of(PCollection<T> output, PCollection<Reject> rejects) {
    return new WithRejects<>(output, rejects);
  }

  /**
   * Splits the one output of a step that counts (each element a value or a reject, the other side
   * null) into values and rejects, after a shuffle. Why the shuffle: on a Spark cluster, when the
   * consumers of a step with two outputs run at the same time on different executors, each re-runs
   * that step and every step before it back to the last shuffle, so their counters count twice
   * (their data does not). After a shuffle ({@link Materialize}) the counted steps run once.
   */
  public static <T> WithRejects<T> split(PCollection<KV<T, Reject>> outcomes) {
    KvCoder<T, Reject> coder = (KvCoder<T, Reject>) outcomes.getCoder();
    TupleTag<T> values = new TupleTag<>() {};
    PCollectionTuple split =
        outcomes
            .apply("Materialize", Materialize.inBatches())
            .apply("ValuesAndRejects", ParDo.of(new SplitFn<T>(values)).withOutputTags(values, TupleTagList.of(REJECTS)));
    return of(split.get(values).setCoder(nonNull(coder.getKeyCoder())), split.get(REJECTS).setCoder(nonNull(coder.getValueCoder())));
  }

  /** The coder of a step's one output before {@link #split}: a value or a reject, the other side null. */
  public static <T> KvCoder<T, Reject> outcomeCoder(Pipeline pipeline, Coder<T> valueCoder) {
    try {
      return KvCoder.of(NullableCoder.of(valueCoder), NullableCoder.of(pipeline.getSchemaRegistry().getSchemaCoder(Reject.class)));
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <V> Coder<V> nonNull(Coder<V> coder) {
    return coder instanceof NullableCoder<V> nullable ? nullable.getValueCoder() : coder;
  }

  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};

  private static final class SplitFn<T> extends DoFn<KV<T, Reject>, T> {
    private final TupleTag<T> values;

    SplitFn(TupleTag<T> values) {
      this.values = values;
    }

    @ProcessElement
    public void process(@Element KV<T, Reject> outcome, MultiOutputReceiver out) {
      if (outcome.getValue() == null) {
        out.get(values).output(outcome.getKey());
      } else {
        out.get(REJECTS).output(outcome.getValue());
      }
    }
  }

  /** The rejects of several steps as one collection, for the one rejects sink. */
  @SafeVarargs
  public static PCollection<Reject> concat(String name, PCollection<Reject>... rejects) {
    return PCollectionList.of(Arrays.asList(rejects)).apply(name, Flatten.pCollections());
  }

  public PCollection<T> getOutput() {
    return output;
  }

  public PCollection<Reject> getRejects() {
    return rejects;
  }

  @Override
  public Pipeline getPipeline() {
    return output.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(OUTPUT_NAME, output, REJECTS_NAME, rejects);
  }

  @Override
  public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
}
