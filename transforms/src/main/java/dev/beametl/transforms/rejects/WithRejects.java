package dev.beametl.transforms.rejects;

import dev.beametl.transforms.Materialize;
import dev.beametl.transforms.RowBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
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
   *
   * <p>What is shuffled is each outcome encoded once, as bytes behind a tag, and each side decodes
   * only its own: Spark keeps a collection with two consumers (serialized, by default), and each
   * consumer decoded every row of it again (loan-filter on Spark local[2]: RowCoder's encodes and
   * decodes were over a third of the CPU). Now a row is encoded and decoded once, by {@link
   * RowBytes} when its schema is flat.
   */
  public static <T> WithRejects<T> split(PCollection<KV<T, Reject>> outcomes) {
    KvCoder<T, Reject> coder = (KvCoder<T, Reject>) outcomes.getCoder();
    Coder<T> valueCoder = nonNull(coder.getKeyCoder());
    Coder<Reject> rejectCoder = nonNull(coder.getValueCoder());
    TupleTag<T> values = new TupleTag<>() {};
    if (!Materialize.isStep(outcomes.getPipeline())) {
      PCollectionTuple split = outcomes.apply("ValuesAndRejects", ParDo.of(new SplitFn<T>(values)).withOutputTags(values, TupleTagList.of(REJECTS)));
      return of(split.get(values).setCoder(valueCoder), split.get(REJECTS).setCoder(rejectCoder));
    }
    PCollection<byte[]> encoded =
        outcomes.apply("Encode", ParDo.of(new EncodeFn<>(valueCoder, rejectCoder))).setCoder(ByteArrayCoder.of()).apply("Materialize", Materialize.inBatches());
    return of(
        encoded.apply("Values", ParDo.of(new DecodeFn<>(VALUE, valueCoder))).setCoder(valueCoder),
        encoded.apply("Rejects", ParDo.of(new DecodeFn<>(REJECT, rejectCoder))).setCoder(rejectCoder));
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

  /** The first byte of an encoded outcome: which side it goes to. */
  private static final byte VALUE = 0;
  private static final byte REJECT = 1;

  /**
   * An outcome as its side's tag and its value or reject, encoded by that side's coder, or as
   * {@link RowBytes} for rows of a flat schema.
   */
  private static final class EncodeFn<T> extends DoFn<KV<T, Reject>, byte[]> {
    private final Coder<T> valueCoder;
    private final Coder<Reject> rejectCoder;
    private final @Nullable RowBytes rows;
    private transient ByteArrayOutputStream bytes;

    EncodeFn(Coder<T> valueCoder, Coder<Reject> rejectCoder) {
      this.valueCoder = valueCoder;
      this.rejectCoder = rejectCoder;
      this.rows = RowBytes.of(valueCoder);
    }

    @Setup
    public void setup() {
      bytes = new ByteArrayOutputStream(1024);
    }

    @ProcessElement
    public void process(@Element KV<T, Reject> outcome, OutputReceiver<byte[]> out) throws IOException {
      if (outcome.getValue() == null) {
        out.output(rows != null ? rows.encode(VALUE, (Row) outcome.getKey()) : encode(VALUE, valueCoder, outcome.getKey()));
      } else {
        out.output(encode(REJECT, rejectCoder, outcome.getValue()));
      }
    }

    private <V> byte[] encode(byte side, Coder<V> coder, V value) throws IOException {
      bytes.reset();
      bytes.write(side);
      coder.encode(value, bytes);
      return bytes.toByteArray();
    }
  }

  /** The encoded outcomes of one side, decoded; the other side's are skipped undecoded. */
  private static final class DecodeFn<V> extends DoFn<byte[], V> {
    private final byte side;
    private final Coder<V> coder;
    private final @Nullable RowBytes rows;

    DecodeFn(byte side, Coder<V> coder) {
      this.side = side;
      this.coder = coder;
      this.rows = side == VALUE ? RowBytes.of(coder) : null;
    }

    @ProcessElement
    @SuppressWarnings("unchecked")
    public void process(@Element byte[] encoded, OutputReceiver<V> out) throws IOException {
      if (encoded[0] == side) {
        out.output(rows != null ? (V) rows.decode(encoded) : coder.decode(new ByteArrayInputStream(encoded, 1, encoded.length - 1)));
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
