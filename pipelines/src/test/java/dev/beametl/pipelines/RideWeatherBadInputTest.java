package dev.beametl.pipelines;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.report.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged input of every kind: each bad record is a reject with its reason, and every record is accounted for. */
class RideWeatherBadInputTest {
  static final String GOOD = "{\"Distance\": 2.0, \"HealthPoints\": 5, \"Latitude\": 40.79, \"Longitude\": -73.93, \"MagicPoints\": 100,"
      + " \"Name\": \"Shadowfax\", \"StatusTime\": \"2019-07-19 10:00:00.123\", \"RideId\": \"%s\"}";

  @TempDir Path tmp;

  @Test
  void badRecordsAreRejectedWithTheirReasonAndNothingIsLost() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("array.json"), "[" + good("a1") + ",\n" + good("a2") + ",\n"
        + "{\"Latitude\": 40.7, \"Longitude\": -73.9, \"HealthPoints\": \"lots\"},\n"
        + "{\"Longitude\": -73.9, \"Name\": \"no latitude\"},\n"
        + good("a3") + ",\n{\"Latitude\": 40.7, \"Longi");
    Files.writeString(in.resolve("lines.jsonl"), good("l1") + "\r\n\r\n{\"latitude\": 40.7,\r\n[1, 2]\r\n" + good("l2") + "\r\n");
    Files.writeString(in.resolve("empty.json"), "");
    Files.writeString(in.resolve("wrapped.json"), "{\"TRAVEL_DATA\": [" + good("w1") + ", " + good("w2") + "]} trailing");
    Path stations = tmp.resolve("stations.csv");
    Files.writeString(stations, "id,latitude,longitude\nNORTH,41,-74\nSOUTH,40,-74\n");

    RunReport report = RideWeather.run(RideWeatherGoldenTest.options(
        "--input=" + in + "/*",
        "--stations=" + stations,
        "--output=" + tmp.resolve("out"),
        "--outputFormat=jsonl",
        "--rejects=" + tmp.resolve("rejects.jsonl"),
        "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.status(), is(RunReport.SUCCEEDED));
    assertThat(report.count("read"), is(14L));
    assertThat(report.count("written"), is(7L));
    assertThat(report.count("rejected"), is(7L));
    assertThat(report.balanced(), is(true));
    assertThat(report.rejectReasons(), is(Map.of(
        "unparsable_value", 1L, "missing_coordinates", 1L, "truncated_json", 1L, "malformed_json", 1L,
        "not_an_object", 1L, "empty_file", 1L, "trailing_content", 1L)));

    List<Map<String, Object>> rides = RideOutputs.read(tmp.resolve("out"), OutputFormat.JSONL);
    assertThat(rides.stream().map(r -> (String) r.get("rideid")).toList(),
        containsInAnyOrder("a1", "a2", "a3", "l1", "l2", "w1", "w2"));
    Map<String, Object> ride = rides.get(0);
    assertThat(ride.get("groundstation"), is("NORTH"));
    assertThat(ride.get("heavy_utilization"), is(1));
    assertThat(ride.get("statustime"), is("2019-07-19 10:00:00.123"));

    List<JsonNode> rejects = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(tmp.resolve("rejects.jsonl"))) {
      rejects.add(json.readTree(line));
    }
    JsonNode wrongType = rejects.stream().filter(r -> r.get("reason").asText().equals("unparsable_value")).findFirst().orElseThrow();
    assertThat(wrongType.get("column").asText(), is("healthpoints"));
    assertThat(wrongType.get("source").asText(), is(in.resolve("array.json").toString()));
    assertThat(wrongType.get("record").asLong(), is(3L));
    assertThat(wrongType.get("detail").asText(), containsString("line 3: healthpoints must be a 32-bit integer, got string \"lots\""));
    assertThat(wrongType.get("original").asText(), containsString("\"HealthPoints\": \"lots\""));
    JsonNode truncated = rejects.stream().filter(r -> r.get("reason").asText().equals("truncated_json")).findFirst().orElseThrow();
    assertThat(truncated.get("original").asText(), is("{\"Latitude\": 40.7, \"Longi"));
    JsonNode badLine = rejects.stream().filter(r -> r.get("reason").asText().equals("malformed_json")).findFirst().orElseThrow();
    assertThat(badLine.get("detail").asText(), containsString("line 3:"));
    assertThat(rejects.stream().collect(groupingBy(r -> r.get("source").asText().replaceAll(".*/", ""), counting())),
        is(Map.of("array.json", 3L, "lines.jsonl", 2L, "empty.json", 1L, "wrapped.json", 1L)));
  }

  @Test
  void csvOutputCarriesExtraFieldsAsJsonText() throws Exception {
    Path in = tmp.resolve("rides.jsonl");
    Files.writeString(in, good("r1") + "\n{\"latitude\": -89.5, \"longitude\": 179.9}\n");
    Path stations = tmp.resolve("stations.csv");
    Files.writeString(stations, "station,lat,lon\nPOLE,-90,0\nDATELINE,0,-180\n");

    RunReport report = RideWeather.run(RideWeatherGoldenTest.options(
        "--input=" + in,
        "--stations=" + stations,
        "--stationIdColumn=station",
        "--stationLatitudeColumn=lat",
        "--stationLongitudeColumn=lon",
        "--magicPerDistance=60",
        "--output=" + tmp.resolve("out"),
        "--outputFormat=CSV",
        "--outputShards=1",
        "--rejects=" + tmp.resolve("rejects.jsonl"),
        "--runReport=" + tmp.resolve("report.json")));

    assertThat(report.count("written"), is(2L));
    List<Map<String, Object>> rides = RideOutputs.read(tmp.resolve("out"), OutputFormat.CSV);
    Map<String, Object> withExtra = rides.stream().filter(r -> !r.get("extra").equals("")).findFirst().orElseThrow();
    assertThat(withExtra.get("extra"), is("{\"rideid\":\"r1\"}"));
    assertThat(withExtra.get("groundstation"), is("DATELINE"));
    assertThat(withExtra.get("heavy_utilization"), is("0"));
    Map<String, Object> bare = rides.stream().filter(r -> r.get("extra").equals("")).findFirst().orElseThrow();
    assertThat(bare.get("groundstation"), is("POLE"));
    assertThat(bare.get("heavy_utilization"), is(""));
    assertThat(bare.get("name"), is(""));
  }

  @Test
  void aBadStationRowFailsTheRunNamingTheLine() throws Exception {
    Path in = tmp.resolve("rides.jsonl");
    Files.writeString(in, good("r1") + "\n");
    Path stations = tmp.resolve("stations.csv");
    Files.writeString(stations, "id,latitude,longitude\nA,40,-74\nB,40.5,east\n");

    PipelineRun.PipelineFailedException e = assertThrows(PipelineRun.PipelineFailedException.class, () -> RideWeather.run(RideWeatherGoldenTest.options(
        "--input=" + in,
        "--stations=" + stations,
        "--output=" + tmp.resolve("out"),
        "--rejects=" + tmp.resolve("rejects.jsonl"),
        "--runReport=" + tmp.resolve("report.json"))));
    assertThat(e.report().status(), is(RunReport.FAILED));
    assertThat(e.getMessage(), containsString("stations.csv line 3: longitude 'east' is not a number"));
    assertThat(Files.exists(tmp.resolve("report.json")), is(true));
  }

  @Test
  void theCliKnowsThePipelineAndItsOptions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = BeamEtl.execute(new String[] {"ride-weather", "--help"}, new PrintStream(out, true), System.err);
    assertThat(status, is(0));
    assertThat(out.toString(), containsString("--stations=<String>  (required)"));
    assertThat(out.toString(), containsString("--outputFormat=<parquet|csv|jsonl>"));
    assertThat(out.toString(), containsString("--magicPerDistance=<double>"));
  }

  @Test
  void stationsMustBeOneFile() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RideWeather.stationFile(tmp + "/none*.csv"));
    assertThat(e.getMessage(), containsString("no such file"));
  }

  private static String good(String id) {
    return String.format(GOOD, id);
  }

}
