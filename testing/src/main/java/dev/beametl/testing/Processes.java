package dev.beametl.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Small helpers for fixtures that run servers as child processes. */
public final class Processes {
  private Processes() {}

  /** A loopback port nobody listens on right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  /** Runs a command to the end; returns its stdout, or fails with its output. */
  public static String run(List<String> command, Duration timeout) {
    try {
      Path log = Files.createTempFile("beam-etl-cmd", ".log");
      Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectError(log.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in " + timeout);
      }
      String err = Files.readString(log);
      Files.deleteIfExists(log);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " failed (exit " + p.exitValue() + "):\n" + out + err);
      }
      return out.trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until something accepts connections on the loopback port. */
  public static void awaitPort(int port, Duration timeout, Process process) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("server process exited with " + process.exitValue() + " before listening on " + port);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " after " + timeout);
  }

  /** The repository root (where scripts/ is), found from the working directory of a module's tests. */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("scripts"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (a parent with scripts/) from " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** {@code ../shared/data} beside the checkout: the reference inputs tests read in place. */
  public static Path sharedData() {
    Path data = repoRoot().resolveSibling("shared").resolve("data");
    if (!Files.isDirectory(data)) {
      throw new IllegalStateException("reference data not found at " + data + ": check out the repo beside shared/");
    }
    return data;
  }
}
