package dev.beametl.transforms.files;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes a whole collection as one file at a path, even when the collection is empty: every
 * element goes to one worker under one key (a group whose values a runner streams, not holds), is
 * written to a temporary file beside the target and the file is renamed to the target once
 * complete, so a reader never sees half a file. One shuffle and one step, where Beam's
 * {@code WriteFiles} with one shard (TextIO's {@code withoutSharding}, FileIO's one shard) adds
 * a gathering of results, a finalizing step with a side input and a clean-up after it: a Spark job
 * and several stages per file (taxi-gold on Spark 0.89x of its time: docs/taxi.md, "One file
 * written in one step"). A retried write writes its own temporary file and renames it over the
 * target: the same content.
 *
 * <p>For small outputs and rejects: the file is written by one worker.
 */
public final class WriteOneFile<T> extends PTransform<PCollection<T>, PCollection<String>> {
  private final String path;
  private final FileIO.Sink<T> sink;

  private WriteOneFile(String path, FileIO.Sink<T> sink) {
    this.path = path;
    this.sink = sink;
  }

  /** Writes the elements through {@code sink} into the file {@code path}; outputs the path once written. */
  public static <T> WriteOneFile<T> to(String path, FileIO.Sink<T> sink) {
    return new WriteOneFile<>(path, sink);
  }

  @Override
  public PCollection<String> expand(PCollection<T> elements) {
    Coder<T> coder = elements.getCoder();
    KvCoder<Integer, @Nullable T> keyed = KvCoder.of(VarIntCoder.of(), NullableCoder.of(coder));
    // One null under the key too, so that the group, and so the file, exists for no elements.
    PCollection<KV<Integer, @Nullable T>> always = elements.getPipeline().apply("EvenIfEmpty", Create.of(KV.of(0, (@Nullable T) null)).withCoder(keyed));
    PCollection<KV<Integer, @Nullable T>> all = elements.apply("UnderOneKey", ParDo.of(new UnderOneKeyFn<T>())).setCoder(keyed);
    return PCollectionList.of(all)
        .and(always)
        .apply("All", Flatten.pCollections())
        .apply("OnOneWorker", GroupByKey.create())
        .apply("WriteFile", ParDo.of(new WriteFn<>(path, sink)));
  }

  private static final class UnderOneKeyFn<T> extends DoFn<T, KV<Integer, @Nullable T>> {
    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<Integer, @Nullable T>> out) {
      out.output(KV.of(0, element));
    }
  }

  private static final class WriteFn<T> extends DoFn<KV<Integer, Iterable<@Nullable T>>, String> {
    private final String path;
    private final FileIO.Sink<T> sink;

    WriteFn(String path, FileIO.Sink<T> sink) {
      this.path = path;
      this.sink = sink;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<@Nullable T>> group, OutputReceiver<String> out) throws IOException {
      ResourceId target = FileSystems.matchNewResource(path, false);
      ResourceId temp =
          target.getCurrentDirectory().resolve("." + target.getFilename() + "." + UUID.randomUUID() + ".tmp", StandardResolveOptions.RESOLVE_FILE);
      try {
        WritableByteChannel channel = FileSystems.create(temp, MimeTypes.BINARY);
        try {
          sink.open(channel);
          for (T element : group.getValue()) {
            if (element != null) {
              sink.write(element);
            }
          }
          sink.flush();
        } finally {
          // Parquet's sink closes the channel itself, and S3's channel uploads again on a second close.
          if (channel.isOpen()) {
            channel.close();
          }
        }
        // Beam's rename replaces an existing file (as a re-run replaces its earlier output).
        FileSystems.rename(List.of(temp), List.of(target));
      } catch (IOException | RuntimeException e) {
        FileSystems.delete(List.of(temp), StandardMoveOptions.IGNORE_MISSING_FILES);
        throw e;
      }
      out.output(target.toString());
    }
  }
}
