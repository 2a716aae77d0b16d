package dev.beametl.transforms.rejects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.files.WriteOneFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The one rejects sink of every pipeline: counts each reject (in total and per reason) and writes
 * them to a single file, CSV when the path ends in {@code .csv}, JSON lines otherwise. The file is
 * written even when empty, so "no rejects" is visible.
 */
public final class WriteRejects extends PTransform<PCollection<Reject>, PDone> {
  static final String[] COLUMNS = {"step", "reason", "column", "detail", "source", "record", "original"};

  private final String path;

  private WriteRejects(String path) {
    this.path = path;
  }

  public static WriteRejects to(String path) {
    return new WriteRejects(path);
  }

  private boolean csv() {
    return path.toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  @Override
  public PDone expand(PCollection<Reject> rejects) {
    PCollection<String> lines = rejects.apply("CountAndFormat", ParDo.of(new FormatFn(csv())));
    lines.apply("Write", WriteOneFile.to(path, csv() ? TextIO.sink().withHeader(String.join(",", COLUMNS)) : TextIO.sink()));
    return PDone.in(rejects.getPipeline());
  }

  private static final class FormatFn extends DoFn<Reject, String> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Counter rejected = EtlMetrics.rejected();
    private final boolean csv;

    FormatFn(boolean csv) {
      this.csv = csv;
    }

    @ProcessElement
    public void process(@Element Reject reject, OutputReceiver<String> out) {
      rejected.inc();
      EtlMetrics.rejectedFor(reject.reason).inc();
      out.output(csv ? toCsv(reject) : toJson(reject));
    }

    private static String toJson(Reject r) {
      ObjectNode node = JSON.createObjectNode();
      node.put("step", r.step);
      node.put("reason", r.reason);
      node.put("column", r.column);
      node.put("detail", r.detail);
      node.put("source", r.source);
      node.put("record", r.record);
      node.put("original", r.original);
      try {
        return JSON.writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    private static String toCsv(Reject r) {
      StringWriter text = new StringWriter();
      try (CSVPrinter printer = new CSVPrinter(text, CSVFormat.RFC4180.builder().setRecordSeparator("").build())) {
        printer.printRecord(r.step, r.reason, r.column, r.detail, r.source, r.record, r.original);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return text.toString();
    }
  }
}
