package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;

import dev.beametl.options.RideWeatherOptions;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.rides.WriteRides;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The counting rule ({@link ForkCheckingRunner}) on ride-weather's graph, sharded and not: a DoFn that increments a beam-etl counter has
 * no fork (a step with two consumed outputs, or a collection with two consumers) after it before
 * the next GroupByKey, else a Spark cluster re-runs it per branch and counts it twice.
 */
class RideWeatherCountedStepsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void nothingForksAfterACountedRideStep(int shards) throws Exception {
    Path stations = tmp.resolve("stations.csv");
    Files.writeString(stations, "id,latitude,longitude\nA,40,-74\n");
    RideWeatherOptions options = RideWeatherGoldenTest.options(
        "--runner=ForkCheckingRunner", "--input=" + tmp + "/*.json", "--stations=" + stations, "--output=" + tmp.resolve("out"), "--outputShards=" + shards,
        "--rejects=" + tmp.resolve("rejects.jsonl"), "--runReport=" + tmp.resolve("report.json"));
    Pipeline pipeline = Pipeline.create(options);
    RideWeather.Outputs outputs = RideWeather.build(pipeline, options, List.of(tmp + "/rides.json"), stations.toString());
    outputs.rides().apply("Write", WriteRides.to(tmp.resolve("out").toString(), options.getOutputFormat()).withNumShards(shards));
    outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));

    assertThat(ForkCheckingRunner.violations(pipeline), empty());
  }
}
