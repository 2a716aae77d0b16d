package dev.beametl.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;

/**
 * The launcher's command line ({@code scripts/launch-emr}, {@code scripts/run-on-emr}): the same
 * validation and {@code RunJobFlow} / {@code StartJobRun} as the Lambda, with defaults from the
 * shell's environment. Prints the launch as JSON on stdout. {@code --serverless} makes {@code
 * emr-serverless} the target of a request that names none, as {@code BEAM_ETL_TARGET} does.
 */
public final class LaunchEmr {
  static final int OK = 0;
  static final int AWS_FAILED = 1;
  static final int BAD_REQUEST = 2;

  private LaunchEmr() {}

  public static void main(String[] args) {
    int status = execute(args, System.getenv(), System.out, System.err);
    if (status != OK) {
      System.exit(status);
    }
  }

  static int execute(String[] argv, Map<String, String> env, PrintStream out, PrintStream err) {
    List<String> args = new ArrayList<>(Arrays.asList(argv));
    boolean dryRun = args.remove("--dry-run");
    if (args.remove("--serverless")) {
      env = new HashMap<>(env);
      env.put(LaunchTarget.ENV, LaunchTarget.EMR_SERVERLESS.id());
    }
    if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
      usage(args.isEmpty() ? err : out);
      return args.isEmpty() ? BAD_REQUEST : OK;
    }
    try {
      LaunchRequest request = args.get(0).equals("--run") ? fromCommandLine(args.subList(1, args.size())) : fromFile(args);
      if (dryRun) {
        out.println(LaunchJson.plan(LaunchPlan.of(request, env)));
        return OK;
      }
      try (EmrClient emr = EmrLauncher.defaultClient(); EmrServerlessClient serverless = EmrLauncher.defaultServerlessClient()) {
        out.println(LaunchJson.result(new EmrLauncher(emr, serverless, env).launch(request)));
      }
      return OK;
    } catch (LaunchRequestException e) {
      e.problems().forEach(p -> err.println("error: " + p));
      err.println("Nothing was launched: no cluster or job run was created.");
      return BAD_REQUEST;
    } catch (SdkException e) {
      err.println("error: AWS refused the launch: " + e.getMessage());
      return AWS_FAILED;
    }
  }

  private static LaunchRequest fromFile(List<String> args) {
    if (args.size() != 1) {
      throw new LaunchRequestException("expected one request file, got " + args);
    }
    String file = args.get(0);
    try {
      String json = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(file));
      return LaunchRequest.parse(json);
    } catch (NoSuchFileException e) {
      throw new LaunchRequestException("no such request file: " + file);
    } catch (IOException e) {
      throw new LaunchRequestException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** {@code <pipeline> --name=value ...}; a bare {@code --flag} means true, as in Beam. */
  private static LaunchRequest fromCommandLine(List<String> args) {
    if (args.isEmpty() || args.get(0).startsWith("-")) {
      throw new LaunchRequestException("--run needs a pipeline name, then its options: --run <pipeline> --option=value ...");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args.subList(1, args.size())) {
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new LaunchRequestException("'" + arg + "' is not an option: write --name=value");
      }
      int eq = arg.indexOf('=');
      options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
    }
    return new LaunchRequest(args.get(0), null, options, ClusterSettings.none());
  }

  private static void usage(PrintStream out) {
    out.println("usage: launch-emr [--dry-run] [--serverless] <request.json | ->");
    out.println("       launch-emr [--dry-run] [--serverless] --run <pipeline> [--option=value ...]");
    out.println();
    out.println("Validates the request against the pipeline's options, then starts an EMR cluster that runs it and");
    out.println("terminates, or with --serverless (or \"target\": \"emr-serverless\") a job run on an EMR Serverless");
    out.println("application. --dry-run prints what would be launched (the StartJobRun request on Serverless) and");
    out.println("creates nothing.");
    out.println("Defaults come from the environment: " + LaunchPlan.JAR_ENV + ", " + LaunchPlan.RUNS_ENV + ", " + LaunchTarget.ENV + ", "
        + ServerlessSettings.APPLICATION_ID_ENV + ", " + ServerlessSettings.EXECUTION_ROLE_ARN_ENV + ", "
        + String.join(", ", ClusterSettings.ENV.values().stream().sorted().toList()) + ", AWS_REGION, AWS_ENDPOINT_URL.");
  }
}
