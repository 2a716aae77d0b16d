package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.testing.BadArguments;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.emr.EmrClient;

/**
 * The launcher refuses each of {@link BadArguments}' argument sets with exactly the lines the CLI
 * prints (BeamEtlCliTest runs the same table), before any cluster exists in moto's EMR.
 */
class BadArgumentsMotoTest {
  private static final String JAR = "s3://artifacts/beam-etl/jars/beam-etl-0123abcd.jar";
  private static EmrClient emr;
  private static EmrLaunchHandler handler;

  @BeforeAll
  static void startEmr() {
    emr = MotoClients.emr();
    handler = new EmrLaunchHandler(new EmrLauncher(emr, Map.of("BEAM_ETL_JAR", JAR)));
  }

  @AfterAll
  static void closeClient() {
    emr.close();
  }

  static Stream<BadArguments.Case> cases() {
    return BadArguments.cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWithTheCliLinesAndNoCluster(BadArguments.Case bad) {
    int before = MotoClients.clusterCount(emr);
    RecordingContext context = new RecordingContext();
    LaunchRequestException e =
        assertThrows(LaunchRequestException.class, () -> handler.handleRequest(
            new ByteArrayInputStream(bad.requestJson().getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), context));

    assertThat(e.problems(), equalTo(bad.problems().stream().map(p -> "pipeline '" + bad.pipeline() + "': " + p).toList()));
    assertThat(context.log(), containsString("rejected, no cluster created"));
    assertThat(e.getMessage(), not(containsString(BadArguments.SECRET)));
    assertThat(MotoClients.clusterCount(emr), equalTo(before));
  }
}
