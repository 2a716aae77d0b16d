package dev.beametl.launcher;

import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.Application;
import software.amazon.awssdk.services.emrserverless.model.ApplicationState;
import software.amazon.awssdk.services.emrserverless.model.ResourceNotFoundException;

/**
 * Validates a launch request, then starts its run: a cluster on EMR, or a job run on EMR
 * Serverless. The code the Lambda handler and the CLI share. Nothing is created unless the whole
 * request is valid.
 */
public final class EmrLauncher {
  private final EmrClient emr;
  private final EmrServerlessClient serverless;
  private final Map<String, String> env;

  public EmrLauncher(EmrClient emr, EmrServerlessClient serverless, Map<String, String> env) {
    this.emr = emr;
    this.serverless = serverless;
    this.env = Map.copyOf(env);
  }

  /**
   * An EMR client configured the standard way: region from {@code AWS_REGION} (or the profile), and
   * {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_EMR} honoured by the SDK for local endpoints.
   */
  public static EmrClient defaultClient() {
    return EmrClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  /** The same for EMR Serverless ({@code AWS_ENDPOINT_URL_EMR_SERVERLESS} for its endpoint alone). */
  public static EmrServerlessClient defaultServerlessClient() {
    return EmrServerlessClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  /** Validates, then calls {@code RunJobFlow} or {@code StartJobRun} once. */
  public LaunchResult launch(LaunchRequest request) {
    LaunchPlan plan = LaunchPlan.of(request, env);
    if (plan.target() == LaunchTarget.EMR) {
      return new LaunchResult(emr.runJobFlow(plan.toRunJobFlowRequest()).jobFlowId(), plan);
    }
    checkApplication(plan.serverless().applicationId());
    return new LaunchResult(serverless.startJobRun(plan.toStartJobRunRequest()).jobRunId(), plan);
  }

  /**
   * GetApplication costs nothing, and it turns a wrong application id, a non-Spark application or
   * a release without Spark 3.5 on Java 17 into a refused request instead of a failed job run.
   */
  private void checkApplication(String applicationId) {
    Application app;
    try {
      app = serverless.getApplication(b -> b.applicationId(applicationId)).application();
    } catch (ResourceNotFoundException e) {
      throw new LaunchRequestException("applicationId '" + applicationId + "': no such EMR Serverless application in this account and region"
          + " (aws emr-serverless list-applications lists them)");
    }
    if (!"SPARK".equalsIgnoreCase(app.type())) {
      throw new LaunchRequestException("applicationId '" + applicationId + "' is a " + app.type() + " application; the pipelines need a Spark one");
    }
    if (!app.releaseLabel().matches("emr-([7-9]|\\d{2,})\\..*")) {
      throw new LaunchRequestException("applicationId '" + applicationId + "' runs " + app.releaseLabel()
          + "; the pipelines jar needs emr-7.x or later (Spark 3.5 on Java 17)");
    }
    if (app.state() == ApplicationState.TERMINATED) {
      throw new LaunchRequestException("applicationId '" + applicationId + "' is terminated; it cannot start job runs");
    }
  }

  /** What a launch started (the cluster id, or the job run id), and where to look for its outcome. */
  public record LaunchResult(String id, LaunchPlan plan) {}
}
