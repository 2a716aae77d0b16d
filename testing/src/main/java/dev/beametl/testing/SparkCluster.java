package dev.beametl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on loopback: one Master and N Workers, each a separate JVM started from a real
 * {@code SPARK_HOME} (Spark's own jars, see the spark-home module). Jobs go in through {@code SparkSubmit}, as
 * on EMR; the Workers start the cluster-mode driver and the executors as JVMs of their own.
 *
 * <p>The nodes get the given environment, not the test JVM's, so nothing (e.g. a password) reaches a driver or
 * executor unless the submission passes it on.
 */
public final class SparkCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path sparkHome;
  private final Path dir;
  private final Map<String, String> nodeEnv;
  private final String masterUrl;
  private final List<Process> nodes = new ArrayList<>();

  private SparkCluster(Path sparkHome, Path dir, Map<String, String> nodeEnv, int masterPort) {
    this.sparkHome = sparkHome;
    this.dir = dir;
    this.nodeEnv = nodeEnv;
    this.masterUrl = "spark://127.0.0.1:" + masterPort;
  }

  /** What {@link #submit} returns: spark-submit's exit status and output (not the driver's: see {@link #appLogs}). */
  public record Submission(int exitStatus, String output) {}

  /**
   * Starts a Master and {@code workers} Workers of {@code coresPerWorker} cores and {@code memoryPerWorker} (e.g.
   * "2g") each, with their logs and work directories under {@code dir}, and waits until every Worker has registered.
   */
  public static SparkCluster start(
      Path sparkHome, Path dir, int workers, int coresPerWorker, String memoryPerWorker, Map<String, String> nodeEnv) {
    if (!Files.isDirectory(sparkHome.resolve("jars"))) {
      throw new IllegalStateException(
          "no Spark distribution at " + sparkHome + "/jars: build it with mvn -pl spark-home package (the reactor does)");
    }
    int masterPort = Processes.freePort();
    SparkCluster cluster = new SparkCluster(sparkHome, dir, nodeEnv, masterPort);
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    try {
      Files.createDirectories(dir);
      Process master =
          cluster.startNode(
              "master",
              List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", "0"));
      Processes.awaitPort(masterPort, START_TIMEOUT, master);
      for (int i = 1; i <= workers; i++) {
        Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
        cluster.startNode(
            "worker-" + i,
            List.of(
                "org.apache.spark.deploy.worker.Worker",
                "--host", "127.0.0.1",
                "--cores", String.valueOf(coresPerWorker),
                "--memory", memoryPerWorker,
                "--work-dir", workDir.toString(),
                "--webui-port", "0",
                cluster.masterUrl));
      }
      cluster.awaitWorkers(workers);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw new IllegalStateException("cannot start the Spark cluster (logs in " + dir + "): " + e.getMessage(), e);
    }
  }

  public String masterUrl() {
    return masterUrl;
  }

  /** The Java 17 {@code --add-opens} flags this JVM was started with (the build's), for drivers and executors. */
  public static String javaModuleOptions() {
    return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).toList());
  }

  /**
   * Runs {@code spark-submit --master <this cluster> <sparkArgs...> <appJar> <appArgs...>} with the environment
   * {@code submitterEnv} (in standalone cluster mode the driver inherits it) and waits for it at most {@code timeout}.
   * Add {@code spark.standalone.submit.waitAppCompletion=true} to wait for the driver to finish.
   */
  public Submission submit(List<String> sparkArgs, Path appJar, List<String> appArgs, Map<String, String> submitterEnv, Duration timeout) {
    List<String> command = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl));
    command.addAll(sparkArgs);
    command.add(appJar.toString());
    command.addAll(appArgs);
    try {
      Path log = Files.createTempFile(dir, "spark-submit", ".log");
      Process p = javaProcess(command, submitterEnv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        destroyTree(p);
        throw new IllegalStateException("spark-submit did not finish in " + timeout + ":\n" + Files.readString(log) + appLogs());
      }
      return new Submission(p.exitValue(), Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The stderr of every driver and executor the Workers ran, for failure messages. */
  public String appLogs() {
    StringBuilder out = new StringBuilder();
    for (Path log : logs("stderr")) {
      try {
        String text = Files.readString(log);
        out.append("\n==== ").append(dir.relativize(log)).append('\n').append(text.substring(Math.max(0, text.length() - 20_000)));
      } catch (IOException e) {
        out.append("\n==== ").append(log).append(": ").append(e.getMessage());
      }
    }
    return out.toString();
  }

  /** The stderr of every executor the Workers have run so far ({@code <work-dir>/app-.../<executor>/stderr}). */
  public List<Path> executorLogs() {
    return logs("stderr").stream().filter(f -> f.getParent().getParent().getFileName().toString().startsWith("app-")).toList();
  }

  /** Stops the Workers (and the drivers and executors they run) and then the Master. */
  @Override
  public synchronized void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      destroyTree(nodes.get(i));
    }
    nodes.clear();
  }

  private List<Path> logs(String name) {
    try (Stream<Path> files = Files.walk(dir, 4)) {
      return files.filter(f -> f.getFileName().toString().equals(name)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Process startNode(String name, List<String> mainAndArgs) throws IOException {
    Process p =
        javaProcess(mainAndArgs, nodeEnv).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    nodes.add(p);
    return p;
  }

  private ProcessBuilder javaProcess(List<String> mainAndArgs, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(List.of(javaModuleOptions().split(" ")));
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.putAll(env);
    environment.put("SPARK_HOME", sparkHome.toString());
    // Without it the launcher of driver and executor commands looks for a Spark source build's Scala version.
    environment.put("SPARK_SCALA_VERSION", "2.12");
    // Bind RPC and web UIs to loopback, not to every interface.
    environment.put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder;
  }

  private void awaitWorkers(int workers) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Path masterLog = dir.resolve("master.log");
    while (System.nanoTime() < deadline) {
      for (Process node : nodes) {
        if (!node.isAlive()) {
          throw new IllegalStateException("a Spark node exited with " + node.exitValue() + " while starting");
        }
      }
      long registered = Files.readAllLines(masterLog, StandardCharsets.UTF_8).stream().filter(l -> l.contains("Registering worker")).count();
      if (registered >= workers) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(workers + " workers did not register with the Master in " + START_TIMEOUT);
  }

  private static void destroyTree(Process p) {
    // Workers run drivers and executors as child JVMs: stop those first so none outlives the test.
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A copy of this JVM's environment without the given variables, e.g. for nodes that must not see a password. */
  public static Map<String, String> environmentWithout(String... names) {
    Map<String, String> env = new HashMap<>(System.getenv());
    for (String n : names) {
      env.remove(n);
    }
    return env;
  }
}
