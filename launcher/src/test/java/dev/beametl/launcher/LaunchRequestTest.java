package dev.beametl.launcher;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchRequestTest {

  private static List<String> problems(String json) {
    return assertThrows(LaunchRequestException.class, () -> LaunchRequest.parse(json)).problems();
  }

  @Test
  void readsEveryField() {
    LaunchRequest r = LaunchRequest.parse("""
        {"pipeline": "loan-filter", "jar": "s3://jars/beam-etl.jar",
         "args": {"input": "s3://in/*.csv", "--jdbcBatchSize": 500, "s3PathStyleAccess": true,
                  "httpClientConfiguration": {"maxConnections": 10}},
         "cluster": {"name": "loans", "releaseLabel": "emr-7.9.0", "instanceType": "m6g.xlarge", "instanceCount": 5,
                     "subnetId": "subnet-1", "logUri": "s3://logs/", "serviceRole": "svc", "jobFlowRole": "ec2",
                     "idleTimeoutSeconds": "900", "maxRuntimeMinutes": 120, "tags": {"team": "data"}}}
        """);
    assertThat(r.pipeline(), equalTo("loan-filter"));
    assertThat(r.jar(), equalTo("s3://jars/beam-etl.jar"));
    assertThat(List.copyOf(r.args().entrySet()), contains(
        Map.entry("input", "s3://in/*.csv"),
        Map.entry("jdbcBatchSize", "500"),
        Map.entry("s3PathStyleAccess", "true"),
        Map.entry("httpClientConfiguration", "{\"maxConnections\":10}")));
    assertThat(r.cluster(), equalTo(new ClusterSettings("loans", "emr-7.9.0", "m6g.xlarge", 5, "subnet-1", "s3://logs/",
        "svc", "ec2", 900, 120, Map.of("team", "data"))));
  }

  @Test
  void onlyThePipelineIsNeeded() {
    LaunchRequest r = LaunchRequest.parse("{\"pipeline\": \"loan-filter\"}");
    assertThat(r.jar(), nullValue());
    assertThat(r.args(), equalTo(Map.of()));
    assertThat(r.cluster(), equalTo(ClusterSettings.none()));
  }

  @Test
  void everyMalformedFieldIsNamed() {
    assertThat(problems("""
        {"pipelin": "x", "jar": 3, "args": {"input": ["a", "b"], "output": null},
         "cluster": {"instanceCount": 2.5, "idleTimeoutSeconds": "soon", "tags": {"t": {}}, "size": 3}}
        """), containsInAnyOrder(
        startsWith("unknown field pipelin (expected one of applicationId, args, cluster, executionRoleArn, executionTimeoutMinutes, jar, pipeline, target)"),
        equalTo("pipeline is missing (e.g. \"pipeline\": \"loan-filter\")"),
        equalTo("jar must be a non-empty string"),
        equalTo("args.input must be a string, number, boolean or object, not array"),
        equalTo("args.output must be a string, number, boolean or object, not null"),
        equalTo("cluster.instanceCount must be a whole number"),
        equalTo("cluster.idleTimeoutSeconds: 'soon' is not a whole number"),
        equalTo("cluster.tags.t must be a string"),
        startsWith("unknown field cluster.size (expected one of")));
  }

  @Test
  void notJsonOrNotAnObject() {
    assertThat(problems("{\"pipeline\": "), contains(startsWith("not valid JSON: ")));
    assertThat(problems("[]"), contains(startsWith("a launch request is a JSON object")));
  }
}
