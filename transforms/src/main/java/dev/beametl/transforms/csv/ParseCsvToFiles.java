package dev.beametl.transforms.csv;

import dev.beametl.transforms.files.OutputFormat;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.files.FinalizeFiles;
import dev.beametl.transforms.files.RowFileWriter;
import dev.beametl.transforms.records.ReadRecords;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ParseCsvFiles} and the file write in one step: each CSV file is parsed and its typed rows
 * are written straight to one output file (Parquet or CSV), so the rows are never handed from
 * step to step. Output: the final file names ({@code part-NNNNN-of-NNNNN}, one per input file, or
 * per range of a large one (see {@link SplitCsvFiles}), in input order; or one per input, named
 * after it), and the rejects.
 *
 * <p>Why one step: a step with two outputs (rows and rejects) makes Beam's Spark runner keep all
 * its output in memory (re-parsing when it does not fit), and the DirectRunner shuffles every row
 * to shard a write. Here only file names and rejects leave the step. Reads with the one
 * record loop ({@link ReadRecords#readBatches}); counts {@code read}, and {@code written} per row
 * as the sink of its rows; rejects are counted by the rejects sink.
 */
public final class ParseCsvToFiles extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<String>> {

  private final CsvRowParser parser;
  private final long rangeBytes;
  private final String directory;
  private final OutputFormat format;
  private final boolean namedAfterInputs;

  ParseCsvToFiles(CsvRowParser parser, long rangeBytes, String directory, OutputFormat format) {
    this(parser, rangeBytes, directory, format, false);
  }

  private ParseCsvToFiles(CsvRowParser parser, long rangeBytes, String directory, OutputFormat format, boolean namedAfterInputs) {
    if (format != OutputFormat.PARQUET && format != OutputFormat.CSV) {
      throw new IllegalArgumentException("parsed rows are written as parquet or csv, not " + format);
    }
    this.parser = parser;
    this.rangeBytes = rangeBytes;
    this.directory = directory;
    this.format = format;
    this.namedAfterInputs = namedAfterInputs;
  }

  /**
   * Names each file after its input ({@link FinalizeFiles#nameFor}) instead of {@code
   * part-NNNNN-of-NNNNN}, so a changed input replaces exactly its file: each input is then read
   * as one range, whatever its size.
   */
  public ParseCsvToFiles namedAfterInputs() {
    return new ParseCsvToFiles(parser, Long.MAX_VALUE, directory, format, true);
  }

  @Override
  public WithRejects<String> expand(PCollection<FileIO.ReadableFile> files) {
    String temp = FinalizeFiles.tempDirectory(directory, UUID.randomUUID().toString());
    String extension = format.name().toLowerCase(Locale.ROOT);
    WithRejects<KV<String, String>> parsed =
        WithRejects.split(
            files
                .apply("Split", SplitCsvFiles.intoRangesOf(rangeBytes))
                .apply("ParseAndWrite", ParDo.of(new ParseWriteFn(parser, temp, format)))
                .setCoder(WithRejects.outcomeCoder(files.getPipeline(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))));
    PCollection<String> written =
        parsed
            .getOutput()
            .apply("AllFiles", Combine.globally(new ListFn()))
            .setCoder(ListCoder.of(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
            .apply("Finalize", ParDo.of(new FinalizeFn(directory, temp, extension, namedAfterInputs)));
    return WithRejects.of(written, parsed.getRejects());
  }

  /** Writes a range's rows to a temporary file; outputs its rejects, then the file (sort key, name). */
  private static final class ParseWriteFn extends DoFn<CsvFileRange, KV<KV<String, String>, Reject>> {
    private static final Logger LOG = LoggerFactory.getLogger(ParseWriteFn.class);
    private final Counter read = EtlMetrics.read();
    private final Counter written = EtlMetrics.written();
    private final CsvRangeRecords records;
    private final String temp;
    private final OutputFormat format;

    ParseWriteFn(CsvRowParser parser, String temp, OutputFormat format) {
      this.records = new CsvRangeRecords(parser);
      this.temp = temp;
      this.format = format;
    }

    @ProcessElement
    public void process(@Element CsvFileRange range, OutputReceiver<KV<KV<String, String>, Reject>> out) throws IOException {
      // A fresh name per attempt: a retried bundle never writes over a file another attempt is writing.
      String tempFile = temp + UUID.randomUUID();
      long[] rows = {0};
      try (RowFileWriter writer = RowFileWriter.create(FileSystems.matchNewResource(tempFile, false), format, records.rowSchema())) {
        // Not splittable: the range is one output file, so every claim succeeds.
        ReadRecords.readBatches(records, range, range.range(), after -> true, read, batch -> {
          for (KV<Row, Reject> outcome : batch) {
            if (outcome.getValue() == null) {
              writer.write(outcome.getKey());
              rows[0]++;
            } else {
              out.output(KV.of(null, outcome.getValue()));
            }
          }
        });
      }
      // Counted once the range is complete, so a retried attempt is not counted twice.
      written.inc(rows[0]);
      LOG.debug("{} (range {}): {} rows written", range.file(), range.index(), rows[0]);
      out.output(KV.of(KV.of(range.sortKey(), tempFile), null));
    }
  }

  /** Gathers the temporary files in one list (empty when there were none). */
  private static final class ListFn extends Combine.CombineFn<KV<String, String>, List<KV<String, String>>, List<KV<String, String>>> {
    @Override
    public List<KV<String, String>> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<KV<String, String>> addInput(List<KV<String, String>> all, KV<String, String> file) {
      all.add(file);
      return all;
    }

    @Override
    public List<KV<String, String>> mergeAccumulators(Iterable<List<KV<String, String>>> lists) {
      List<KV<String, String>> all = new ArrayList<>();
      lists.forEach(all::addAll);
      return all;
    }

    @Override
    public List<KV<String, String>> extractOutput(List<KV<String, String>> all) {
      return all;
    }
  }

  private static final class FinalizeFn extends DoFn<List<KV<String, String>>, String> {
    private final String directory;
    private final String temp;
    private final String extension;
    private final boolean namedAfterInputs;

    FinalizeFn(String directory, String temp, String extension, boolean namedAfterInputs) {
      this.directory = directory;
      this.temp = temp;
      this.extension = extension;
      this.namedAfterInputs = namedAfterInputs;
    }

    @ProcessElement
    public void process(@Element List<KV<String, String>> tempFiles, OutputReceiver<String> out) throws IOException {
      for (String file : FinalizeFiles.finish(tempFiles, directory, temp, extension, namedAfterInputs)) {
        out.output(file);
      }
    }
  }
}
