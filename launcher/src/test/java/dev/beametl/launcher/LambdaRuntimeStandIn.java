package dev.beametl.launcher;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

/**
 * Calls a handler the way the Lambda Java runtime does: by the class name in the function's
 * Handler setting, through its no-arg constructor, with the event as a stream. Run in a separate
 * JVM on the shaded jar alone, it shows the deployed artifact works as a Lambda.
 */
public final class LambdaRuntimeStandIn {
  private LambdaRuntimeStandIn() {}

  public static void main(String[] args) throws Exception {
    RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    RecordingContext context = new RecordingContext();
    try {
      handler.handleRequest(System.in, System.out, context);
    } finally {
      System.err.print(context.log());
    }
  }
}
