package dev.beametl.pipelines;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PValue;

/**
 * Runs on the DirectRunner after checking the counting rule on the pipeline's graph: no step that
 * increments a counter may have a fork (a PCollection with two consumers, or a step with two consumed
 * outputs) downstream of it before a GroupByKey. On a Spark cluster each consumer of a fork whose tasks
 * run at the same time on other executors computes it again, with every step back to the last shuffle,
 * so their counters count twice while the data does not. Counters are found as {@link Counter} fields
 * of the DoFns. Name it as a runner ({@code --runner=ForkCheckingRunner}) in a golden test.
 */
public final class ForkCheckingRunner extends PipelineRunner<PipelineResult> {
  private final PipelineOptions options;

  private ForkCheckingRunner(PipelineOptions options) {
    this.options = options;
  }

  public static ForkCheckingRunner fromOptions(PipelineOptions options) {
    return new ForkCheckingRunner(options);
  }

  @Override
  public PipelineResult run(Pipeline pipeline) {
    List<String> violations = violations(pipeline);
    if (!violations.isEmpty()) {
      throw new IllegalStateException("counted steps with a fork after them:\n  " + String.join("\n  ", violations));
    }
    return DirectRunner.fromOptions(options).run(pipeline);
  }

  static List<String> violations(Pipeline pipeline) {
    Map<PValue, List<TransformHierarchy.Node>> consumers = new HashMap<>();
    List<TransformHierarchy.Node> primitives = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            primitives.add(node);
            for (PValue input : new HashSet<>(node.getInputs().values())) {
              consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
          }
        });
    Map<String, String> found = new LinkedHashMap<>();
    for (TransformHierarchy.Node counting : primitives) {
      if (!counts(counting)) {
        continue;
      }
      Deque<TransformHierarchy.Node> todo = new ArrayDeque<>(List.of(counting));
      Set<TransformHierarchy.Node> seen = new HashSet<>();
      while (!todo.isEmpty()) {
        TransformHierarchy.Node node = todo.pop();
        if (!seen.add(node) || node.getTransform() instanceof GroupByKey) {
          continue;
        }
        int consumedOutputs = 0;
        for (PValue output : node.getOutputs().values()) {
          List<TransformHierarchy.Node> next = consumers.getOrDefault(output, List.of());
          if (next.size() > 1) {
            found.putIfAbsent(counting.getFullName() + "|" + output, counting.getFullName() + " counts, and " + output.getName() + " has " + next.size() + " consumers");
          }
          consumedOutputs += next.isEmpty() ? 0 : 1;
          todo.addAll(next);
        }
        if (consumedOutputs > 1) {
          found.putIfAbsent(counting.getFullName() + "|" + node.getFullName(), counting.getFullName() + " counts, and " + node.getFullName() + " has " + consumedOutputs + " consumed outputs");
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  private static boolean counts(TransformHierarchy.Node node) {
    if (!(node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo)) {
      return false;
    }
    for (Class<?> c = parDo.getFn().getClass(); c != null && c != DoFn.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Counter.class.isAssignableFrom(field.getType())) {
          return true;
        }
      }
    }
    return false;
  }
}

