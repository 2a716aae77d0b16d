package dev.beametl.launcher;

import dev.beametl.testing.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;

/** SDK clients on this JVM's moto server. */
final class MotoClients {
  private MotoClients() {}

  static EmrClient emr() {
    return EmrClient.builder()
        .endpointOverride(MotoServer.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  static EmrServerlessClient emrServerless() {
    return EmrServerlessClient.builder()
        .endpointOverride(MotoServer.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** A Spark application on moto's EMR Serverless, as the deployment template creates one. */
  static String sparkApplication(EmrServerlessClient serverless, String releaseLabel) {
    return serverless.createApplication(b -> b.name("beam-etl-test").type("SPARK").releaseLabel(releaseLabel)).applicationId();
  }

  static int jobRunCount(EmrServerlessClient serverless, String applicationId) {
    try {
      return (int) serverless.listJobRunsPaginator(b -> b.applicationId(applicationId)).jobRuns().stream().count();
    } catch (software.amazon.awssdk.services.emrserverless.model.ResourceNotFoundException e) {
      return 0; // moto answers so for an application that never ran a job
    }
  }

  static int clusterCount(EmrClient emr) {
    return (int) emr.listClustersPaginator(b -> {}).clusters().stream().count();
  }
}
