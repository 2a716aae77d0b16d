package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime cap's mechanism on real processes: the command {@link RuntimeCap#wrap} builds, run
 * with a stand-in {@code spark-submit} first on the PATH (as command-runner.jar runs the step),
 * with a cap of seconds instead of hours.
 */
class RuntimeCapTest {
  @TempDir Path bin;

  private record Run(int exitCode, Duration took, String stderr) {}

  private Run runCapped(String sparkSubmitBody, long capSeconds, long killAfterSeconds) throws IOException, InterruptedException {
    Path fake = bin.resolve("spark-submit");
    Files.writeString(fake, "#!/usr/bin/env bash\n" + sparkSubmitBody + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command = RuntimeCap.wrap(List.of("spark-submit", "--deploy-mode", "cluster", "--class", LaunchPlan.ENTRY_POINT),
        capSeconds, killAfterSeconds);
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    long start = System.nanoTime();
    Process p = pb.start();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat("the capped command did not end", p.waitFor(30, TimeUnit.SECONDS), equalTo(true));
    return new Run(p.exitValue(), Duration.ofNanos(System.nanoTime() - start), stderr);
  }

  @Test
  void aHungCommandIsStoppedAtTheCapAndTheStepFails() throws Exception {
    Run r = runCapped("exec sleep 60", 1, 5);
    assertThat(r.exitCode(), equalTo(124));
    assertThat(r.took(), lessThan(Duration.ofSeconds(5)));
    assertThat(r.stderr(), containsString("sending signal TERM to command"));
  }

  @Test
  void aCommandThatIgnoresTermIsKilledAfterTheGracePeriod() throws Exception {
    // An ignored signal stays ignored across exec: this sleep survives SIGTERM.
    Run r = runCapped("trap '' TERM; exec sleep 60", 1, 1);
    assertThat(r.exitCode(), equalTo(137));
    assertThat(r.took(), lessThan(Duration.ofSeconds(6)));
    assertThat(r.stderr(), containsString("sending signal KILL to command"));
  }

  @Test
  void aCommandWithinTheCapKeepsItsExitStatusAndArguments() throws Exception {
    Run ok = runCapped("[ \"$*\" = \"--deploy-mode cluster --class " + LaunchPlan.ENTRY_POINT + "\" ] || exit 9; exit 0", 10, 5);
    assertThat(ok.exitCode(), equalTo(0));
    assertThat(runCapped("exit 3", 10, 5).exitCode(), equalTo(3));
  }
}
