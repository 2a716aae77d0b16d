package dev.beametl.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Python moto's {@code moto_server}: one local endpoint for every AWS API it mocks (S3, EMR,
 * EventBridge...), started once per test JVM on a free loopback port and stopped when it exits.
 */
public final class MotoServer {
  private static URI endpoint;

  private MotoServer() {}

  /** The endpoint of this JVM's server, started on first use. */
  public static synchronized URI endpoint() {
    if (endpoint == null) {
      String binary = binary();
      int port = Processes.freePort();
      try {
        Path log = Files.createTempFile("moto-server", ".log");
        Process process =
            new ProcessBuilder(binary, "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        Processes.awaitPort(port, Duration.ofSeconds(60), process);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
      }
      endpoint = URI.create("http://127.0.0.1:" + port);
    }
    return endpoint;
  }

  static String binary() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        File f = new File(dir, "moto_server");
        if (f.canExecute()) {
          return f.getPath();
        }
      }
    }
    throw new IllegalStateException(
        "moto_server not found on PATH: install python moto with its server, e.g. pip install 'moto[server]'");
  }
}
