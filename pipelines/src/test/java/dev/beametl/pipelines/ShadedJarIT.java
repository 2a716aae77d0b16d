package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import dev.beametl.testing.PostgresServer;
import dev.beametl.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged artifacts as a user runs them: the shaded jar and scripts/beam-etl, in separate JVMs. */
class ShadedJarIT {
  static final Path JAR = Path.of("target/beam-etl.jar").toAbsolutePath();
  @TempDir Path tmp;

  record Result(int status, String output) {}

  static Result exec(List<String> command) throws IOException, InterruptedException {
    return exec(command, Map.of());
  }

  static Result exec(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not exit:\n" + output);
    }
    return new Result(p.exitValue(), output);
  }

  @Test
  void jarHasTheRunnersAndS3ButNotSpark() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String runners = new String(jar.getInputStream(jar.getEntry("META-INF/services/org.apache.beam.sdk.runners.PipelineRunnerRegistrar")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(runners, containsString("DirectRegistrar"));
      assertThat(runners, containsString("SparkRunnerRegistrar"));
      String fileSystems = new String(jar.getInputStream(jar.getEntry("META-INF/services/org.apache.beam.sdk.io.FileSystemRegistrar")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(fileSystems, containsString("S3FileSystemRegistrar"));
      List<String> names = new ArrayList<>();
      jar.stream().map(ZipEntry::getName).forEach(names::add);
      assertThat("EMR provides Spark and Hadoop", names.stream().anyMatch(n -> n.startsWith("org/apache/spark/") || n.startsWith("org/apache/hadoop/")), is(false));
      assertThat(names.stream().anyMatch(n -> n.matches("META-INF/[^/]+\\.(SF|RSA|DSA)")), is(false));
      assertThat(names, hasItem("dev/beametl/pipelines/BeamEtl.class"));
      Manifest manifest = jar.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Main-Class"), is(BeamEtl.class.getName()));
      assertThat(manifest.getMainAttributes().getValue("Add-Opens"), containsString("java.base/java.nio"));
    }
  }

  @Test
  void javaDashJarPrintsTheHelpAndRejectsUnknownPipelines() throws Exception {
    Result help = exec(List.of("java", "-jar", JAR.toString(), "--help"));
    assertThat(help.output(), help.status(), is(0));
    assertThat(help.output(), containsString("loan-filter"));
    Result unknown = exec(List.of("java", "-jar", JAR.toString(), "nope"));
    assertThat(unknown.status(), is(BeamEtl.BAD_ARGUMENTS));
    assertThat(unknown.output(), containsString("unknown pipeline 'nope'"));
  }

  @Test
  void scriptWritesAClassArchiveOnceThenStartsFromIt() throws Exception {
    Path archive = JAR.resolveSibling("beam-etl-direct.jsa");
    Files.deleteIfExists(archive);
    Files.deleteIfExists(archive.resolveSibling("beam-etl-direct.jsa.failed"));
    Result first = exec(taxiStaging("first"));
    assertThat(first.output(), first.status(), is(0));
    assertThat(first.output(), containsString("beam-etl: writing " + archive));
    assertThat(Files.exists(archive), is(true));

    Path classes = tmp.resolve("classes.log");
    Result second = exec(taxiStaging("second"), Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classes));
    assertThat(second.output(), second.status(), is(0));
    assertThat(second.output(), containsString("taxi-staging SUCCEEDED"));
    assertThat(second.output(), not(containsString("beam-etl: writing")));
    assertThat("the JVM's CDS messages are kept quiet", second.output(), not(containsString("[cds]")));
    List<String> beamEtlClasses = Files.readAllLines(classes).stream().filter(l -> l.contains(" " + BeamEtl.class.getName() + " ")).toList();
    assertThat(beamEtlClasses.toString(), beamEtlClasses.get(0), containsString("source: shared objects file"));
  }

  /**
   * A Spark run from the archive with a class-file hook on (a flight recording, as a user profiling
   * a slow run would start): an archive holding the JDK's regenerated method-handle classes made
   * this JVM crash (SIGSEGV, exit 134) as soon as Spark deserialized its first task.
   */
  @Test
  void sparkRunsFromTheArchiveUnderAFlightRecording() throws Exception {
    Path archive = JAR.resolveSibling("beam-etl-spark.jsa");
    Files.deleteIfExists(archive);
    Files.deleteIfExists(archive.resolveSibling("beam-etl-spark.jsa.failed"));
    List<String> spark = List.of("--runner=SparkRunner", "--sparkMaster=local[2]");
    Result first = exec(concat(taxiStaging("first"), spark));
    assertThat(first.output(), first.status(), is(0));
    assertThat(Files.exists(archive), is(true));

    Path recording = tmp.resolve("run.jfr");
    Result profiled = exec(concat(taxiStaging("profiled"), spark), Map.of("JAVA_OPTS", "-XX:StartFlightRecording=filename=" + recording));
    assertThat(profiled.output(), profiled.status(), is(0));
    assertThat(profiled.output(), containsString("taxi-staging SUCCEEDED"));
    assertThat(Files.size(recording) > 0, is(true));
  }

  /** The script raises the JIT's C2 thresholds for the JVM it starts, and a JAVA_OPTS flag wins over them. */
  @Test
  void scriptRaisesTheJitThresholdsUnlessJavaOptsSetsThem() throws Exception {
    String script = Processes.repoRoot().resolve("scripts/beam-etl").toString();
    Result defaults = exec(List.of(script, "--help"), Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal"));
    assertThat(defaults.output(), defaults.status(), is(0));
    assertThat(defaults.output(), matchesPattern("(?s).*\\bTier4InvocationThreshold\\s+= 50000\\s.*"));
    assertThat(defaults.output(), matchesPattern("(?s).*\\bTier4BackEdgeThreshold\\s+= 400000\\s.*"));

    Result overridden = exec(List.of(script, "--help"), Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal -XX:Tier4InvocationThreshold=5000"));
    assertThat(overridden.output(), overridden.status(), is(0));
    assertThat(overridden.output(), matchesPattern("(?s).*\\bTier4InvocationThreshold\\s+= 5000\\s.*"));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private List<String> taxiStaging(String name) {
    return List.of(
        Processes.repoRoot().resolve("scripts/beam-etl").toString(),
        "taxi-staging",
        "--input=" + Processes.repoRoot().resolve("samples/taxi/green_tripdata_2020-06-sample.csv"),
        "--output=" + tmp.resolve(name),
        "--rejects=" + tmp.resolve(name + "-rejects.jsonl"),
        "--runReport=" + tmp.resolve(name + "-report.json"));
  }

  @Test
  void scriptRunsTheGoldenLoadOnSparkLocal() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    pg.execute("DROP TABLE IF EXISTS script_spark");
    Result run =
        exec(
            List.of(
                Processes.repoRoot().resolve("scripts/beam-etl").toString(),
                "loan-filter",
                "--runner=SparkRunner",
                "--sparkMaster=local[2]",
                "--input=" + LoanFixtures.SAMPLE,
                "--jdbcUrl=" + pg.jdbcUrl(),
                "--jdbcUser=" + PostgresServer.USER,
                "--table=script_spark",
                "--rejects=" + tmp.resolve("rejects.jsonl"),
                "--runReport=" + tmp.resolve("report.json")));
    assertThat(run.output(), run.status(), is(0));
    assertThat(run.output(), containsString("loan-filter SUCCEEDED"));
    assertThat(run.output(), not(containsString("beam-etl-test")));
    assertThat(LoanFilterGoldenTest.loaded(pg, "script_spark"), equalTo(LoanFilterGoldenTest.EXPECTED));
    assertThat(Files.exists(tmp.resolve("report.json")), is(true));
  }
}
