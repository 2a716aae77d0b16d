package dev.beametl.launcher;

import dev.beametl.testing.MotoServer;
import dev.beametl.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the repository's scripts as a user would, with every AWS call going to moto. */
final class Scripts {
  static final Path ROOT = Processes.repoRoot();
  static final Path LAUNCHER_JAR = ROOT.resolve("launcher/target/beam-etl-launcher.jar");

  record Result(int exitCode, String stdout, String stderr) {}

  private Scripts() {}

  /** The environment of a user pointed at moto, with no beam-etl or EMR settings of their own. */
  static Map<String, String> motoEnvironment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("BEAM_ETL_") || k.startsWith("EMR_") || k.startsWith("AWS_"));
    env.put("AWS_ENDPOINT_URL", MotoServer.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
    env.put("LAUNCHER_JAR", LAUNCHER_JAR.toString());
    return env;
  }

  static Result run(Map<String, String> env, String... command) {
    return runWithInput(env, "", command);
  }

  /** Runs a command with {@code input} on its standard input. */
  static Result runWithInput(Map<String, String> env, String input, String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    if (cmd.get(0).startsWith("scripts/")) {
      cmd.set(0, ROOT.resolve(cmd.get(0)).toString());
    }
    try {
      Path out = Files.createTempFile("script", ".out");
      Path err = Files.createTempFile("script", ".err");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      try (var stdin = p.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(cmd + " did not finish in 5 minutes");
      }
      Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs a command that must succeed; returns its stdout. */
  static String ok(Map<String, String> env, String... command) {
    Result r = run(env, command);
    if (r.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode() + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
    }
    return r.stdout();
  }
}
