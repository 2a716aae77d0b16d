package dev.beametl.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A local S3-compatible server for tests: the S3 API of {@link MotoServer}. Clients use path-style addressing and
 * the dummy credentials the build puts in the environment.
 */
public final class S3Server {
  public static final Region REGION = Region.US_EAST_1;
  private static S3Server shared;

  private final URI endpoint;
  private final S3Client client;

  private S3Server(URI endpoint) {
    this.endpoint = endpoint;
    this.client =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(REGION)
            .forcePathStyle(true)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
  }

  public static synchronized S3Server shared() {
    if (shared == null) {
      shared = new S3Server(MotoServer.endpoint());
    }
    return shared;
  }

  public URI endpoint() {
    return endpoint;
  }

  public S3Client client() {
    return client;
  }

  /** The pipeline options that point Beam's S3 file system at this server. */
  public List<String> pipelineArgs() {
    return List.of("--awsRegion=" + REGION.id(), "--endpoint=" + endpoint, "--s3PathStyleAccess=true");
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  public void put(String bucket, String key, byte[] content) {
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  /** The object's bytes, or null when there is no such object. */
  public byte[] get(String bucket, String key) {
    try {
      return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

  /** Keys under a prefix, sorted. */
  public List<String> list(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      keys.add(o.key());
    }
    keys.sort(null);
    return keys;
  }
}
