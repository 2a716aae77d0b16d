package dev.beametl.transforms.csv;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.rejects.Reject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Checks, on the driver before the pipeline starts, that the header of every input fits the
 * parser's columns (read with the same {@link CsvFileReader} and {@link CsvRowParser} binding the
 * pipeline uses). A wrong file is a configuration error: by default the run fails before anything
 * is loaded, naming each bad file and its missing or unknown columns. With
 * {@link OnBadHeader#REJECT} the run goes on; each bad file's header becomes a {@code bad_header}
 * reject of its own (record 0, counted as read and in {@code rejectedFiles}), so the file shows in
 * the report and the rejects even when it has no data records.
 *
 * <p>A file with no bytes at all has neither header nor records: it is not a header error.
 */
public final class CsvHeaderCheck {
  public static final String REJECTED_FILES = "rejectedFiles";
  private static final int MAX_PROBLEM_CHARS = 240;
  private static final int MAX_FILES_NAMED = 10;

  /** One input whose header does not fit. */
  public record BadHeader(String source, String problem, String header) {}

  private final CsvRowParser parser;
  private final OnBadHeader policy;

  private CsvHeaderCheck(CsvRowParser parser, OnBadHeader policy) {
    this.parser = parser;
    this.policy = policy;
  }

  public static CsvHeaderCheck of(CsvRowParser parser, OnBadHeader policy) {
    return new CsvHeaderCheck(parser, policy);
  }

  /**
   * Reads the first record of every input now, on the driver.
   *
   * @return the rejects of the bad files (none with {@link OnBadHeader#FAIL})
   * @throws BadCsvHeaderException when a header does not fit and the policy is to fail
   */
  public PTransform<PBegin, PCollection<Reject>> check(List<String> inputs) {
    List<BadHeader> bad = findBad(inputs);
    if (!bad.isEmpty() && policy == OnBadHeader.FAIL) {
      throw new BadCsvHeaderException(bad, inputs.size());
    }
    return new FileRejects(bad);
  }

  /** The inputs whose header does not fit the parser. */
  public List<BadHeader> findBad(List<String> inputs) {
    List<BadHeader> bad = new ArrayList<>();
    for (String input : inputs) {
      ResourceId file = FileSystems.matchNewResource(input, false);
      try (InputStream in = Channels.newInputStream(Compression.detect(input).readDecompressed(FileSystems.open(file)));
          CsvFileReader reader = CsvFileReader.open(in)) {
        List<String> header = reader.header();
        String problem = parser.bind(header).headerProblem();
        if (problem != null && !header.isEmpty()) {
          String headerLine = CsvFileReader.FORMAT.format(header.toArray());
          bad.add(new BadHeader(input, explain(problem, header, reader.headerBadEncoding()), headerLine));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the header of " + input + ": " + e.getMessage(), e);
      }
    }
    return bad;
  }

  /** The binding's problem, cut to a readable length, with what the file probably is. */
  private static String explain(String problem, List<String> header, boolean badEncoding) {
    String first = header.get(0).strip();
    String what =
        badEncoding || header.stream().anyMatch(name -> name.chars().anyMatch(c -> c < 0x20 && c != '\t'))
            ? "not UTF-8 CSV text (a binary file?): "
            : first.startsWith("{") || first.startsWith("[") ? "JSON, not CSV: " : "";
    String text = what + problem;
    return text.length() <= MAX_PROBLEM_CHARS ? text : text.substring(0, MAX_PROBLEM_CHARS) + "...";
  }

  /** The run cannot start: at least one input is not a file of this pipeline. */
  public static final class BadCsvHeaderException extends IllegalStateException {
    private final List<BadHeader> bad;

    BadCsvHeaderException(List<BadHeader> bad, int inputs) {
      super(message(bad, inputs));
      this.bad = List.copyOf(bad);
    }

    public List<BadHeader> bad() {
      return bad;
    }

    private static String message(List<BadHeader> bad, int inputs) {
      String files =
          bad.stream().limit(MAX_FILES_NAMED).map(b -> b.source() + ": " + b.problem()).collect(Collectors.joining("; "));
      String more = bad.size() > MAX_FILES_NAMED ? "; and " + (bad.size() - MAX_FILES_NAMED) + " more" : "";
      return String.format(
          "%d of %d input files have a header that does not fit, so nothing was loaded and no input was touched: %s%s. "
              + "Fix or remove these files, or run with --onBadHeader=reject to reject them and load the others.",
          bad.size(), inputs, files, more);
    }
  }

  /** The bad files' headers as rejects, each counted as a record read and as a rejected file. */
  private static final class FileRejects extends PTransform<PBegin, PCollection<Reject>> {
    private final List<BadHeader> bad;

    FileRejects(List<BadHeader> bad) {
      this.bad = bad;
    }

    @Override
    public PCollection<Reject> expand(PBegin begin) {
      List<Reject> rejects =
          bad.stream().map(b -> new Reject("parse", "bad_header", null, b.problem(), b.source(), 0, b.header())).toList();
      try {
        return begin
            .apply("HeaderRejects", Create.of(rejects).withCoder(begin.getPipeline().getSchemaRegistry().getSchemaCoder(Reject.class)))
            .apply("CountRejectedFiles", ParDo.of(new CountFileFn()))
            .setCoder(begin.getPipeline().getSchemaRegistry().getSchemaCoder(Reject.class));
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final class CountFileFn extends DoFn<Reject, Reject> {
    private final Counter read = EtlMetrics.read();
    private final Counter rejectedFiles = EtlMetrics.counter(REJECTED_FILES);

    @ProcessElement
    public void process(@Element Reject reject, OutputReceiver<Reject> out) {
      read.inc();
      rejectedFiles.inc();
      out.output(reject);
    }
  }
}
