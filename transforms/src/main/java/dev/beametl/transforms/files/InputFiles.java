package dev.beametl.transforms.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The files a run reads, listed once before it starts: the run reads exactly these, the report
 * names them, and only these are archived or deleted afterwards (a file that lands mid-run waits
 * for the next run).
 */
public final class InputFiles {
  private InputFiles() {}

  /** An input as listed at the start of a run: enough to tell later whether it changed. */
  public record Listed(String path, long sizeBytes, long lastModifiedMillis) implements Serializable {}

  /**
   * Every file matching the comma-separated patterns, sorted, without duplicates.
   *
   * @throws IllegalArgumentException naming the patterns, when nothing matches at all
   * @throws UncheckedIOException when the file system cannot be listed
   */
  public static List<String> resolve(String patterns) {
    return list(patterns).stream().map(Listed::path).toList();
  }

  /** As {@link #resolve}, with each file's size and modification time. */
  public static List<Listed> list(String patterns) {
    List<String> specs = Arrays.stream(patterns.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("--input is empty");
    }
    Map<String, Listed> files = new TreeMap<>();
    List<MatchResult> matches;
    try {
      matches = FileSystems.match(specs, EmptyMatchTreatment.ALLOW);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list input " + specs, e);
    }
    for (MatchResult match : matches) {
      try {
        for (MatchResult.Metadata m : match.metadata()) {
          if (!m.resourceId().isDirectory()) {
            String path = m.resourceId().toString();
            files.put(path, new Listed(path, m.sizeBytes(), m.lastModifiedMillis()));
          }
        }
      } catch (FileNotFoundException e) {
        // A pattern that matches nothing; an error only if no pattern matches anything.
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list input " + specs, e);
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no input files match " + String.join(", ", specs));
    }
    return List.copyOf(files.values());
  }

  /**
   * Reads the given files without a shuffle: the runner splits the list itself, evenly by count
   * (Spark deals them to its partitions, the DirectRunner to its threads). For steps that do a lot
   * of work per file: a random-key {@link #read} can leave one core with most of the files.
   */
  public static PTransform<PBegin, PCollection<FileIO.ReadableFile>> readEvenly(List<String> files) {
    return new Read(files, false);
  }

  /** Reads the given files (as listed by {@link #resolve}; an empty list reads nothing), spread over the workers. */
  public static PTransform<PBegin, PCollection<FileIO.ReadableFile>> read(List<String> files) {
    return new Read(files, true);
  }

  private static final class Read extends PTransform<PBegin, PCollection<FileIO.ReadableFile>> {
    private final List<String> files;
    private final boolean spread;

    Read(List<String> files, boolean spread) {
      this.files = files;
      this.spread = spread;
    }

    @Override
    public PCollection<FileIO.ReadableFile> expand(PBegin begin) {
      PCollection<String> listed = begin.apply("ListFiles", Create.of(files).withCoder(StringUtf8Coder.of()));
      PCollection<MatchResult.Metadata> matched =
          spread
              ? listed.apply("Spread", Reshuffle.viaRandomKey()).apply("Match", FileIO.matchAll())
              // Not FileIO.matchAll(): it reshuffles its output by random key, which is what this avoids.
              : listed.apply("Match", ParDo.of(new MatchFn())).setCoder(MetadataCoderV2.of());
      return matched.apply("Open", FileIO.readMatches());
    }
  }

  private static final class MatchFn extends DoFn<String, MatchResult.Metadata> {
    @ProcessElement
    public void process(@Element String file, OutputReceiver<MatchResult.Metadata> out) throws IOException {
      out.output(FileSystems.matchSingleFileSpec(file));
    }
  }
}
