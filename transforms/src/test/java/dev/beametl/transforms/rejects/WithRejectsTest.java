package dev.beametl.transforms.rejects;

import dev.beametl.transforms.ShufflingRunner;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

class WithRejectsTest {
  @Test
  void splitSendsEachOutcomeToItsSideOnce() throws Exception {
    splitsEachOutcomeToItsSideOnce(PipelineOptionsFactory.create());
  }

  @Test
  void splitAfterAShuffleSendsEachOutcomeToItsSideOnce() throws Exception {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(ShufflingRunner.class);
    splitsEachOutcomeToItsSideOnce(options);
  }

  void splitsEachOutcomeToItsSideOnce(PipelineOptions options) throws Exception {
    Pipeline pipeline = Pipeline.create(options);
    List<KV<Long, Reject>> outcomes = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    for (long i = 0; i < 20_000; i++) {
      if (i % 7 == 0) {
        Reject reject = new Reject("parse", "unparsable_value", "n", "not a number", "f.csv", i, "x" + i);
        rejects.add(reject);
        outcomes.add(KV.of(null, reject));
      } else {
        values.add(i);
        outcomes.add(KV.of(i, null));
      }
    }
    KvCoder<Long, Reject> coder =
        KvCoder.of(NullableCoder.of(VarLongCoder.of()), NullableCoder.of(pipeline.getSchemaRegistry().getSchemaCoder(Reject.class)));

    WithRejects<Long> split = WithRejects.split(pipeline.apply(Create.of(outcomes).withCoder(coder)));

    PAssert.that(split.getOutput()).containsInAnyOrder(values);
    PAssert.that(split.getRejects()).containsInAnyOrder(rejects);
    pipeline.run().waitUntilFinish();
  }
}
