package dev.beametl.launcher;

import dev.beametl.options.EtlOptions;
import dev.beametl.options.InvalidOptionsException;
import dev.beametl.options.OptionsParser;
import dev.beametl.options.PipelineCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A request's {@code args}, checked by the same {@link OptionsParser} and pipeline rules as the
 * cluster's {@code beam-etl <pipeline>} will, so a bad request fails here and not after a cluster
 * has been paid for.
 *
 * <p>Accepted: the pipeline's options (its interface with its parents) and {@link
 * SparkTuningOptions}; {@code runner} and {@code sparkMaster} are the launcher's. Every problem is
 * reported, each naming its option, in the words the CLI uses.
 */
public record PipelineArgs(PipelineCatalog.Entry entry, String runId) {

  /** Set by the launcher itself: SparkRunner on EMR, and the master spark-submit gives. */
  private static final Map<String, String> RESERVED =
      Map.of(
          "runner", "the launcher always runs --runner=SparkRunner on EMR",
          "sparkMaster", "on EMR spark-submit runs the pipeline on YARN");

  public static PipelineArgs validate(String pipeline, Map<String, String> args) {
    PipelineCatalog.Entry entry =
        PipelineCatalog.find(pipeline)
            .orElseThrow(() -> new LaunchRequestException("unknown pipeline '" + pipeline + "' (known: "
                + PipelineCatalog.entries().stream().map(PipelineCatalog.Entry::name).collect(Collectors.joining(", ")) + ")"));
    List<String> problems = new ArrayList<>();
    Map<String, String> pipelineArgs = new LinkedHashMap<>();
    args.forEach((name, value) -> {
      if (RESERVED.containsKey(name)) {
        problems.add("option --" + name + " cannot be set in a launch request: " + RESERVED.get(name));
      } else {
        pipelineArgs.put(name, value);
      }
    });
    EtlOptions options = null;
    try {
      options = OptionsParser.parse(entry, cli(pipelineArgs).toArray(String[]::new), List.of(SparkTuningOptions.class));
    } catch (InvalidOptionsException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new LaunchRequestException(problems.stream().map(p -> "pipeline '" + pipeline + "': " + p).toList());
    }
    return new PipelineArgs(entry, options.getRunId());
  }

  /** {@code --name=value} for each arg, in request order. */
  public static List<String> cli(Map<String, String> args) {
    return args.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
  }
}
