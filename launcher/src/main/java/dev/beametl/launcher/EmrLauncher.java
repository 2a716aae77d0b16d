package dev.beametl.launcher;

import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.RunJobFlowResponse;

/**
 * Validates a launch request, then starts its cluster: the code the Lambda handler and the CLI
 * share. Nothing is created unless the whole request is valid.
 */
public final class EmrLauncher {
  private final EmrClient emr;
  private final Map<String, String> env;

  public EmrLauncher(EmrClient emr, Map<String, String> env) {
    this.emr = emr;
    this.env = Map.copyOf(env);
  }

  /**
   * An EMR client configured the standard way: region from {@code AWS_REGION} (or the profile), and
   * {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_EMR} honoured by the SDK for local endpoints.
   */
  public static EmrClient defaultClient() {
    return EmrClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  /** Validates, then calls {@code RunJobFlow} once. */
  public LaunchResult launch(LaunchRequest request) {
    LaunchPlan plan = LaunchPlan.of(request, env);
    RunJobFlowResponse response = emr.runJobFlow(plan.toRunJobFlowRequest());
    return new LaunchResult(response.jobFlowId(), plan);
  }

  /** What a launch started, and where to look for its outcome. */
  public record LaunchResult(String clusterId, LaunchPlan plan) {}
}
