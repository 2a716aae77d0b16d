package dev.beametl.launcher;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The Lambda: its event is a launch request (the EventBridge target's {@code Input}); it answers
 * with the cluster id (or EMR Serverless job run id) and run id, or fails with {@link
 * LaunchRequestException} naming every problem, having created nothing. Defaults come from the
 * function's environment variables (see {@link ClusterSettings}, {@link ServerlessSettings} and
 * {@link LaunchPlan}).
 */
public final class EmrLaunchHandler implements RequestStreamHandler {
  private final EmrLauncher launcher;

  /** The Lambda runtime's constructor: one client per service and container, reused across invocations. */
  public EmrLaunchHandler() {
    this(new EmrLauncher(EmrLauncher.defaultClient(), EmrLauncher.defaultServerlessClient(), System.getenv()));
  }

  public EmrLaunchHandler(EmrLauncher launcher) {
    this.launcher = launcher;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
    EmrLauncher.LaunchResult result;
    try {
      result = launcher.launch(LaunchRequest.parse(event));
    } catch (LaunchRequestException e) {
      // Not the event itself: a refused request may hold a password, which must not reach the log.
      context.getLogger().log("rejected, nothing launched: " + e.getMessage() + "\n");
      throw e;
    }
    String json = LaunchJson.result(result);
    context.getLogger().log("launched " + result.id() + " for run " + result.plan().runId() + ": " + json + "\n");
    output.write(json.getBytes(StandardCharsets.UTF_8));
  }
}
