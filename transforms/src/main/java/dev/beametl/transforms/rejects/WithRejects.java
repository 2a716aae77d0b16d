package dev.beametl.transforms.rejects;

import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.transforms.Flatten;
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
  private final TupleTag<T> outputTag;
  private final PCollection<T> output;
  private final TupleTag<Reject> rejectsTag;
  private final PCollection<Reject> rejects;

  private WithRejects(
      TupleTag<T> outputTag, PCollection<T> output, TupleTag<Reject> rejectsTag, PCollection<Reject> rejects) {
    this.outputTag = outputTag;
    this.output = output;
    this.rejectsTag = rejectsTag;
    this.rejects = rejects;
  }

  public static <T> WithRejects<T> of(
      TupleTag<T> outputTag, PCollection<T> output, TupleTag<Reject> rejectsTag, PCollection<Reject> rejects) {
    return new WithRejects<>(outputTag, output, rejectsTag, rejects);
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
    return Map.of(outputTag, output, rejectsTag, rejects);
  }

  @Override
  public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
}
