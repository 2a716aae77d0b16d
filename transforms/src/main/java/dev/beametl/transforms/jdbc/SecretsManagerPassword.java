package dev.beametl.transforms.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * The database password read from AWS Secrets Manager with the default credentials chain (the
 * node role on EMR), once per JVM and secret. The secret holds the password as plain text, or the
 * JSON of an RDS / Redshift secret: {@code password} and optionally {@code username}.
 *
 * <p>The region is the one in the secret's ARN, else {@code --awsRegion}, else the SDK's default
 * chain. The endpoint is {@code --endpoint} when given (Beam's option for every AWS client), else
 * the SDK's default, which honours {@code AWS_ENDPOINT_URL}.
 */
record SecretsManagerPassword(String secretId, @Nullable String region, @Nullable URI endpoint) implements PasswordSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Every connection of a worker would otherwise call Secrets Manager; one call per JVM is enough. */
  private static final Map<SecretsManagerPassword, Login> CACHE = new ConcurrentHashMap<>();

  @Override
  public Login login() throws SQLException {
    Login cached = CACHE.get(this);
    if (cached != null) {
      return cached;
    }
    Login login = parse(fetch());
    CACHE.put(this, login);
    return login;
  }

  @Override
  public String describe() {
    return "the Secrets Manager secret '" + secretId + "' (--jdbcPasswordSecret)";
  }

  private String fetch() throws SQLException {
    SecretsManagerClientBuilder builder =
        SecretsManagerClient.builder().credentialsProvider(DefaultCredentialsProvider.create()).httpClientBuilder(ApacheHttpClient.builder());
    String inRegion = regionOfArn() != null ? regionOfArn() : region;
    if (inRegion != null) {
      builder.region(Region.of(inRegion));
    }
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    try (SecretsManagerClient client = builder.build()) {
      String value = client.getSecretValue(r -> r.secretId(secretId)).secretString();
      if (value == null) {
        throw new SQLException("the Secrets Manager secret '" + secretId + "' (--jdbcPasswordSecret) holds binary data, not a password string", "28000");
      }
      return value;
    } catch (ResourceNotFoundException e) {
      throw new SQLException(
          "the Secrets Manager secret '" + secretId + "' (--jdbcPasswordSecret) does not exist" + where(inRegion), "28000");
    } catch (SecretsManagerException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      String hint = "AccessDeniedException".equals(code)
          ? ": the role this runs as (on EMR, the cluster's node role) needs secretsmanager:GetSecretValue on it"
          : ": " + e.getMessage();
      throw new SQLException("cannot read the Secrets Manager secret '" + secretId + "' (--jdbcPasswordSecret)" + where(inRegion) + hint, "28000");
    } catch (SdkException e) {
      throw new SQLException(
          "cannot read the Secrets Manager secret '" + secretId + "' (--jdbcPasswordSecret)" + where(inRegion) + ": " + e.getMessage(), "28000");
    }
  }

  private String where(@Nullable String inRegion) {
    return (inRegion == null ? "" : " in region " + inRegion) + (endpoint == null ? "" : " at " + endpoint);
  }

  /** A plain value is the password; a JSON object gives {@code password} and optionally {@code username}. */
  Login parse(String value) throws SQLException {
    if (!value.stripLeading().startsWith("{")) {
      return new Login(null, value);
    }
    JsonNode json;
    try {
      json = JSON.readTree(value);
    } catch (IOException e) {
      // Not the parser's message: it quotes the secret's text.
      throw new SQLException("the Secrets Manager secret '" + secretId + "' starts with '{' but is not valid JSON", "28000");
    }
    JsonNode password = json.get("password");
    if (password == null || !password.isTextual()) {
      throw new SQLException(
          "the Secrets Manager secret '" + secretId + "' is JSON without a \"password\" string (expected e.g. {\"username\": ..., \"password\": ...})",
          "28000");
    }
    JsonNode user = json.get("username");
    return new Login(user != null && user.isTextual() ? user.asText() : null, password.asText());
  }

  private @Nullable String regionOfArn() {
    // arn:aws:secretsmanager:<region>:<account>:secret:<name>
    String[] parts = secretId.split(":", 6);
    return parts.length == 6 && parts[0].equals("arn") && !parts[3].isEmpty() ? parts[3] : null;
  }
}
