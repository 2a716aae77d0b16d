package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.beametl.testing.Processes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CI's check of the deployment template: cfn-lint must pass on it, warnings included. */
class TemplateLintTest {
  private static final Path TEMPLATE = Processes.repoRoot().resolve("scripts/deploy/template.yaml");

  @Test
  void cfnLintPasses() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cfnLint(), TEMPLATE.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat("cfn-lint did not finish", p.waitFor(3, TimeUnit.MINUTES), equalTo(true));
    assertThat("cfn-lint " + TEMPLATE + " reported:\n" + output, p.exitValue(), equalTo(0));
  }

  private static String cfnLint() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "cfn-lint");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    throw new AssertionError("cfn-lint is not on PATH; the deployment template cannot be checked. Install it: pip install cfn-lint");
  }
}
