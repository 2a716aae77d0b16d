package dev.beametl.transforms.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.InstanceBuilder;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One run per output at a time: a lease file {@code <output>/_beam-etl-lease.json} naming the run
 * that holds it and until when. Taken with an operation that only one of two racing runs can win
 * (a create-if-absent file on local disks, a conditional put {@code If-None-Match: *} on S3);
 * renewed while the run lasts; released at the end. A lease left by a killed run is taken over
 * once expired, again by a compare-and-swap (an atomic rename locally, {@code If-Match} its ETag on
 * S3), so two runs never both take it.
 */
public final class OutputLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputLease.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String FILE = "_beam-etl-lease.json";
  /** How long a killed run blocks the output at most; a live run renews well before. */
  static final Duration TERM = Duration.ofMinutes(30);

  /** A second run on an output whose lease another run holds. */
  public static final class HeldException extends IllegalStateException {
    HeldException(String message) {
      super(message);
    }
  }

  private final Store store;
  private final String runId;
  private final String pipeline;
  private final ScheduledExecutorService renewal;

  private OutputLease(Store store, String runId, String pipeline) {
    this.store = store;
    this.runId = runId;
    this.pipeline = pipeline;
    this.renewal =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lease-renewal");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Takes the lease of {@code output} for run {@code runId}.
   *
   * @throws HeldException naming the holder, when another run holds an unexpired lease
   */
  public static OutputLease take(String output, String pipeline, String runId, PipelineOptions options) {
    String lease = StagedOutput.directory(output) + FILE;
    Store store = FileSystems.matchNewResource(lease, false).getScheme().equals("s3") ? new S3Store(lease, options) : new LocalStore(lease);
    OutputLease taken = new OutputLease(store, runId, pipeline);
    try {
      taken.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lease " + lease, e);
    }
    long every = TERM.toMillis() / 4;
    taken.renewal.scheduleAtFixedRate(taken::renew, every, every, TimeUnit.MILLISECONDS);
    return taken;
  }

  private void acquire() throws IOException {
    if (store.createIfAbsent(content())) {
      LOG.info("run {} took the lease of the output ({})", runId, store);
      return;
    }
    Held held = store.read();
    if (held == null) {
      // Released between our two calls: one more try, racing fairly with any other run.
      if (store.createIfAbsent(content())) {
        return;
      }
      held = store.read();
    }
    if (held == null || Instant.now().isBefore(held.expiresAt())) {
      String holder = held == null ? "another run" : "run " + held.runId() + " (" + held.pipeline() + ", lease until " + held.expiresAt() + ")";
      throw new HeldException(
          "the output is being written by " + holder + "; wait for it to end, or, if it was killed, for its lease to expire: " + store);
    }
    if (!store.replace(held, content())) {
      throw new HeldException("another run took over the expired lease of run " + held.runId() + " at the same moment: " + store);
    }
    LOG.warn("run {} took over the expired lease of run {} ({})", runId, held.runId(), store);
  }

  /** Fails, before anything is published, when this run no longer holds the lease (it expired and was taken over). */
  public void check() throws IOException {
    Held held = store.read();
    if (held == null || !held.runId().equals(runId)) {
      throw new HeldException(
          "run " + runId + " lost the lease of its output to " + (held == null ? "nobody" : "run " + held.runId()) + "; nothing published: " + store);
    }
  }

  private void renew() {
    try {
      Held held = store.read();
      if (held != null && held.runId().equals(runId) && store.replace(held, content())) {
        return;
      }
      LOG.error("run {} could not renew the lease of its output ({}): the publish will fail", runId, store);
    } catch (IOException | RuntimeException e) {
      LOG.warn("lease renewal failed, will retry: {}", e.toString());
    }
  }

  /** Gives the lease up, if this run still holds it. */
  @Override
  public void close() {
    renewal.shutdownNow();
    try {
      Held held = store.read();
      if (held != null && held.runId().equals(runId)) {
        store.delete(held);
      }
    } catch (IOException e) {
      LOG.warn("could not release the lease {}: {} (it expires by itself)", store, e.toString());
    } finally {
      store.release();
    }
  }

  private byte[] content() {
    return JSON.createObjectNode()
        .put("runId", runId)
        .put("pipeline", pipeline)
        .put("expiresAt", Instant.now().plus(TERM).toString())
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A lease as read: who holds it, until when, and the version to compare-and-swap against. */
  record Held(String runId, String pipeline, Instant expiresAt, String version) {
    static Held parse(byte[] content, String version) throws IOException {
      JsonNode node = JSON.readTree(content);
      return new Held(node.path("runId").asText(), node.path("pipeline").asText(), Instant.parse(node.path("expiresAt").asText()), version);
    }
  }

  /** Where a lease lives, with the atomic operations it needs. */
  private interface Store {
    boolean createIfAbsent(byte[] content) throws IOException;

    @Nullable Held read() throws IOException;

    /** Replaces {@code expected} with {@code content} only if it is still the lease there. */
    boolean replace(Held expected, byte[] content) throws IOException;

    void delete(Held expected) throws IOException;

    /** Frees what the store holds open (an S3 client). */
    default void release() {}
  }

  private static final class LocalStore implements Store {
    private final Path file;

    LocalStore(String lease) {
      this.file = lease.startsWith("file:") ? Paths.get(URI.create(lease)) : Paths.get(lease);
    }

    @Override
    public boolean createIfAbsent(byte[] content) throws IOException {
      Files.createDirectories(file.getParent());
      try {
        Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }

    @Override
    public @Nullable Held read() throws IOException {
      try {
        byte[] content = Files.readAllBytes(file);
        return Held.parse(content, new String(content, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        return null;
      }
    }

    /** Moves the lease aside atomically (only one racer can), then checks it was the one expected. */
    @Override
    public boolean replace(Held expected, byte[] content) throws IOException {
      Path aside = file.resolveSibling(FILE + "." + java.util.UUID.randomUUID());
      try {
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        return false;
      }
      String moved = Files.readString(aside);
      if (!moved.equals(expected.version())) {
        // Someone else's newer lease: put it back.
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
        return false;
      }
      Files.delete(aside);
      return createIfAbsent(content);
    }

    @Override
    public void delete(Held expected) throws IOException {
      Files.deleteIfExists(file);
    }

    @Override
    public String toString() {
      return file.toString();
    }
  }

  private static final class S3Store implements Store {
    private final String bucket;
    private final String key;
    private final S3Client s3;

    S3Store(String lease, PipelineOptions options) {
      URI uri = URI.create(lease);
      this.bucket = uri.getHost();
      this.key = uri.getPath().substring(1);
      S3Options s3Options = options.as(S3Options.class);
      this.s3 =
          InstanceBuilder.ofType(S3ClientBuilderFactory.class)
              .fromClass(s3Options.getS3ClientFactoryClass())
              .build()
              .createBuilder(s3Options)
              .build();
    }

    @Override
    public boolean createIfAbsent(byte[] content) {
      try {
        s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(content));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == 412 || e.statusCode() == 409) {
          return false;
        }
        throw e;
      }
    }

    @Override
    public @Nullable Held read() throws IOException {
      try {
        ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        return Held.parse(object.asByteArray(), object.response().eTag());
      } catch (NoSuchKeyException e) {
        return null;
      }
    }

    @Override
    public boolean replace(Held expected, byte[] content) {
      try {
        s3.putObject(b -> b.bucket(bucket).key(key).ifMatch(expected.version()), RequestBody.fromBytes(content));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == 412 || e.statusCode() == 409 || e.statusCode() == 404) {
          return false;
        }
        throw e;
      }
    }

    @Override
    public void delete(Held expected) {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public void release() {
      s3.close();
    }

    @Override
    public String toString() {
      return "s3://" + bucket + "/" + key;
    }
  }
}
