package dev.beametl.launcher;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** A Lambda context for calling the handler in a test; keeps what the handler logs. */
final class RecordingContext implements Context, LambdaLogger {
  private final StringBuilder log = new StringBuilder();

  String log() {
    return log.toString();
  }

  @Override
  public void log(String message) {
    log.append(message);
  }

  @Override
  public void log(byte[] message) {
    log.append(new String(message, StandardCharsets.UTF_8));
  }

  @Override
  public LambdaLogger getLogger() {
    return this;
  }

  @Override
  public String getAwsRequestId() {
    return "test-request";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/test";
  }

  @Override
  public String getLogStreamName() {
    return "test";
  }

  @Override
  public String getFunctionName() {
    return "beam-etl-launch";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:123456789012:function:beam-etl-launch";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return 60_000;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 1024;
  }
}
