package dev.beametl.pipelines;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.beametl.options.PipelineCatalog;
import dev.beametl.options.RideWeatherOptions;
import dev.beametl.testing.Processes;
import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.report.RunReport;
import dev.beametl.transforms.stations.NearestStation;
import dev.beametl.transforms.stations.StationTable;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC section 4 reference: 7,755 rides, 7,653 + 102 per station, 6,636 heavy, on both runners. */
class RideWeatherGoldenTest {
  static final Path DATA = Processes.sharedData().resolve("wildrydes_ml");
  static final Path STATIONS = DATA.resolve("groundstations.csv");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "ForkCheckingRunner"})
  void referenceRidesGetTheReferenceStations(String runner) throws Exception {
    RunReport report = run(runner, DATA.resolve("ride_data.2019-07-19_debc93f.json"), OutputFormat.PARQUET);

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(7755L));
    assertThat(report.count("written"), is(7755L));
    assertThat(report.count("filtered"), is(0L));
    assertThat(report.count("rejected"), is(0L));
    assertThat(report.count("stations"), is(4L));
    List<Map<String, Object>> rides = RideOutputs.read(tmp.resolve("out"), OutputFormat.PARQUET);
    assertThat(rides.size(), is(7755));
    assertThat(rides.stream().collect(groupingBy(r -> r.get("groundstation"), counting())), is(Map.of("US1NYNY0074", 7653L, "USW00094728", 102L)));
    assertThat(rides.stream().filter(r -> Integer.valueOf(1).equals(r.get("heavy_utilization"))).count(), is(6636L));
    assertThat(List.copyOf(rides.get(0).keySet()), is(List.of(
        "distance", "healthpoints", "latitude", "longitude", "magicpoints", "name", "statustime",
        "groundstation", "heavy_utilization", "station_distance_km", "extra")));
  }

  /** The other sample wraps its rides in {"travel_data": [...]}; every ride gets the full scan's station. */
  @Test
  void wrappedSampleMatchesTheFullScanRideByRide() throws Exception {
    RunReport report = run("DirectRunner", DATA.resolve("ride_data.2019-06-25_cec6af5_travel_data.json"), OutputFormat.JSONL);

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(10417L));
    assertThat(report.count("written"), is(10417L));
    StationTable stations;
    try (InputStream in = Files.newInputStream(STATIONS)) {
      stations = StationTable.read(in, STATIONS.toString(), StationTable.Columns.DEFAULT);
    }
    List<Map<String, Object>> rides = RideOutputs.read(tmp.resolve("out"), OutputFormat.JSONL);
    assertThat(rides.size(), is(10417));
    for (Map<String, Object> ride : rides) {
      NearestStation.Match expected = NearestStation.fullScan(stations, (Double) ride.get("latitude"), (Double) ride.get("longitude"));
      assertThat(ride.get("groundstation"), is(stations.id(expected.station())));
      assertThat(ride.get("station_distance_km"), is(expected.distanceKm()));
      int heavy = ((Number) ride.get("magicpoints")).intValue() >= (Double) ride.get("distance") * 50 ? 1 : 0;
      assertThat(ride.get("heavy_utilization"), is(heavy));
    }
  }

  private RunReport run(String runner, Path input, OutputFormat format) {
    return RideWeather.run(
        options(
            "--runner=" + runner,
            "--sparkMaster=local[2]",
            "--input=" + input,
            "--stations=" + STATIONS,
            "--output=" + tmp.resolve("out"),
            "--outputFormat=" + format.name().toLowerCase(),
            "--rejects=" + tmp.resolve("rejects.jsonl"),
            "--runReport=" + tmp.resolve("report.json")));
  }

  static RideWeatherOptions options(String... args) {
    return BeamEtl.parse(PipelineCatalog.find(RideWeather.NAME).orElseThrow(), args).as(RideWeatherOptions.class);
  }
}
