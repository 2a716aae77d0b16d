package dev.beametl.transforms.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * What a file output holds: {@code <output>/_beam-etl-manifest.json}, the inputs its files were
 * made from (path, size, modification time, the run that read it, the output file). Written after
 * the output files are final and before any input is archived or deleted, so an input is recorded
 * only once its output is in place; a run killed in between re-reads it next time and replaces its
 * file. {@code incremental} says whether the files are one per input (only then can a later
 * {@code --incremental} run skip inputs).
 */
public record OutputManifest(boolean incremental, Map<String, Entry> entries) {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String FILE = "_beam-etl-manifest.json";

  /** One input: as listed when it was read, by which run, into which output file. */
  public record Entry(InputFiles.Listed input, String runId, String outputFile) {}

  public static OutputManifest empty() {
    return new OutputManifest(false, Map.of());
  }

  /** The manifest under {@code output}; {@link #empty} when there is none yet. */
  public static OutputManifest read(String output) throws IOException {
    String manifest = StagedOutput.directory(output) + FILE;
    // Matched first: opening a missing object fails differently on each file system.
    MatchResult match = FileSystems.match(manifest, EmptyMatchTreatment.ALLOW);
    if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
      return empty();
    }
    JsonNode root;
    try (InputStream in = Channels.newInputStream(FileSystems.open(match.metadata().get(0).resourceId()))) {
      root = JSON.readTree(in);
    }
    Map<String, Entry> entries = new TreeMap<>();
    for (JsonNode n : root.path("inputs")) {
      String path = n.path("path").asText();
      entries.put(
          path,
          new Entry(
              new InputFiles.Listed(path, n.path("sizeBytes").asLong(), n.path("lastModifiedMillis").asLong()),
              n.path("runId").asText(),
              n.path("output").asText()));
    }
    return new OutputManifest(root.path("incremental").asBoolean(), entries);
  }

  /** What an {@code --incremental} run may skip: the inputs as recorded, when the files are one per input; else nothing. */
  public Map<String, InputFiles.Listed> recordedInputs() {
    Map<String, InputFiles.Listed> recorded = new TreeMap<>();
    if (incremental) {
      entries.forEach((path, entry) -> recorded.put(path, entry.input()));
    }
    return recorded;
  }

  /** The output files of the recorded inputs, by file name, when the files are one per input: an incremental run keeps these. */
  public List<String> outputFileNames() {
    if (!incremental) {
      return List.of();
    }
    return entries.values().stream()
        .filter(e -> !e.outputFile().isEmpty())
        .map(e -> FileSystems.matchNewResource(e.outputFile(), false).getFilename())
        .toList();
  }

  /** This manifest plus the inputs a run read (replacing their earlier entries); without {@code incremental}, only those. */
  public OutputManifest with(boolean incremental, List<Entry> read) {
    Map<String, Entry> next = new TreeMap<>();
    if (incremental && this.incremental) {
      next.putAll(entries);
    }
    read.forEach(e -> next.put(e.input().path(), e));
    return new OutputManifest(incremental, next);
  }

  /** Writes the manifest under {@code output}: a temporary file renamed over the old one, so a reader sees one or the other. */
  public void writeTo(String output, String runId) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("incremental", incremental);
    root.put("runId", runId);
    root.put("committedAt", Instant.now().toString());
    ArrayNode inputs = root.putArray("inputs");
    for (Entry e : entries.values()) {
      inputs.addObject()
          .put("path", e.input().path())
          .put("sizeBytes", e.input().sizeBytes())
          .put("lastModifiedMillis", e.input().lastModifiedMillis())
          .put("runId", e.runId())
          .put("output", e.outputFile());
    }
    String dir = StagedOutput.directory(output);
    ResourceId temp = FileSystems.matchNewResource(dir + "." + FILE + "." + StagedOutput.fileSafe(runId), false);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(temp, MimeTypes.TEXT))) {
      // As bytes: Jackson would close the stream itself, and a second close fails an S3 upload.
      out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }
    FileSystems.rename(List.of(temp), List.of(FileSystems.matchNewResource(dir + FILE, false)));
  }
}
