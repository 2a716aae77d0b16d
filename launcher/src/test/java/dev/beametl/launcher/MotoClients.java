package dev.beametl.launcher;

import dev.beametl.testing.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;

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

  static int clusterCount(EmrClient emr) {
    return (int) emr.listClustersPaginator(b -> {}).clusters().stream().count();
  }
}
