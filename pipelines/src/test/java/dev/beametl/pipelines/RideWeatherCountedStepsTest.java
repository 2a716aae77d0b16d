package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import dev.beametl.options.RideWeatherOptions;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.rides.WriteRides;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counting rule, for ride-weather's own steps: a DoFn that increments a beam-etl counter has
 * no fork (a step with two consumed outputs, or a collection with two consumers) after it before
 * the next GroupByKey, else a Spark cluster re-runs it per branch and counts it twice.
 */
class RideWeatherCountedStepsTest {
  static final Set<String> OWN_PACKAGES = Set.of("dev.beametl.transforms.rides", "dev.beametl.transforms.json");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void nothingForksAfterACountedRideStep(int shards) throws Exception {
    Path stations = tmp.resolve("stations.csv");
    Files.writeString(stations, "id,latitude,longitude\nA,40,-74\n");
    RideWeatherOptions options = RideWeatherGoldenTest.options(
        "--input=" + tmp + "/*.json", "--stations=" + stations, "--output=" + tmp.resolve("out"), "--outputShards=" + shards,
        "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + tmp.resolve("report.json"));
    Pipeline pipeline = Pipeline.create(options);
    RideWeather.Outputs outputs = RideWeather.build(pipeline, options, List.of(tmp + "/rides.json"), stations.toString());
    outputs.rides().apply("Write", WriteRides.to(tmp.resolve("out").toString(), options.getOutputFormat()).withNumShards(shards));
    outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));

    Map<PValue, List<TransformHierarchy.Node>> consumers = new HashMap<>();
    List<TransformHierarchy.Node> counted = new ArrayList<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        node.getInputs().values().forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node));
        DoFn<?, ?> fn = node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo ? parDo.getFn() : null;
        // Only ride-weather's own steps: the shared rejects sink and station list are checked on main.
        if (fn != null && OWN_PACKAGES.contains(fn.getClass().getPackageName()) && countsEtl(fn)) {
          counted.add(node);
        }
      }
    });

    assertThat("the read and the written count are both found", counted, hasSize(2));
    List<String> forks = new ArrayList<>();
    for (TransformHierarchy.Node step : counted) {
      Deque<TransformHierarchy.Node> todo = new ArrayDeque<>(List.of(step));
      Set<TransformHierarchy.Node> seen = new HashSet<>();
      while (!todo.isEmpty()) {
        TransformHierarchy.Node node = todo.pop();
        if (!seen.add(node) || node != step && node.getTransform() instanceof GroupByKey<?, ?>) {
          continue;
        }
        List<PValue> consumed = node.getOutputs().values().stream().filter(out -> consumers.containsKey(out)).map(PValue.class::cast).toList();
        if (consumed.size() > 1) {
          forks.add(step.getFullName() + " -> " + node.getFullName() + " has " + consumed.size() + " consumed outputs");
        }
        for (PValue out : consumed) {
          List<TransformHierarchy.Node> next = consumers.get(out);
          if (next.size() > 1) {
            forks.add(step.getFullName() + " -> " + ((PCollection<?>) out).getName() + " has " + next.size() + " consumers");
          }
          todo.addAll(next);
        }
      }
    }
    assertThat(forks, is(empty()));
  }

  private static boolean countsEtl(DoFn<?, ?> fn) {
    for (Class<?> c = fn.getClass(); c != null; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Counter.class.isAssignableFrom(field.getType())) {
          try {
            field.setAccessible(true);
            Counter counter = (Counter) field.get(fn);
            if (counter != null && counter.getName().getNamespace().equals(EtlMetrics.NAMESPACE)) {
              return true;
            }
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return false;
  }
}
