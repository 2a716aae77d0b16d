package dev.beametl.transforms.aggregate;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.csv.CsvFileReader;
import dev.beametl.transforms.csv.CsvRowParser;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group-by summary of CSV files: one output row per distinct combination of the keys (nulls form
 * their own group) with one column per measure (see {@link SummarySpec#outputSchema}), plus the
 * rejected records.
 *
 * <p>Each file is parsed and summarised where it is read, in one pass: its records only update
 * their group's running statistics, and only those partial summaries (one per group and file)
 * are shuffled and merged. So memory and shuffle grow with the number of groups, not of records,
 * on every runner. A file with very many groups hands its partials on every
 * {@value #MAX_GROUPS_IN_MEMORY} groups.
 *
 * <p>Counts: {@code read} every record; {@code written} every record aggregated into a group;
 * {@code groups} every output row; {@code files}. Rejects are counted where they are written.
 */
public final class SummarizeCsvFiles extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  public static final String GROUPS = "groups";
  static final int MAX_GROUPS_IN_MEMORY = 50_000;
  private static final TupleTag<KV<Row, SummaryCombineFn.Stats>> PARTIALS = new TupleTag<>() {};
  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};
  private static final TupleTag<Row> ROWS = new TupleTag<>() {};

  private final SummarySpec spec;
  private final Schema columns;

  private SummarizeCsvFiles(SummarySpec spec, Schema columns) {
    this.spec = spec;
    this.columns = columns;
  }

  /**
   * @param columns the columns to parse, with their types ({@link SummarySpec#inputSchema}); the
   *     files' other columns are skipped
   */
  public static SummarizeCsvFiles of(SummarySpec spec, Schema columns) {
    return new SummarizeCsvFiles(spec, columns);
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    Schema output = spec.outputSchema(columns);
    int keyCount = spec.keys().size();
    Schema keySchema = new Schema(output.getFields().subList(0, keyCount));
    Schema valueSchema = new Schema(output.getFields().subList(keyCount, output.getFieldCount()));
    SummaryCombineFn measures = new SummaryCombineFn(columns, spec.measures(), valueSchema);
    CsvRowParser parser = CsvRowParser.of(columns, "parse").allowingExtraColumns();
    int[] keyFields = spec.keys().stream().mapToInt(columns::indexOf).toArray();

    PCollectionTuple parsed =
        files.apply(
            "ParseAndSummarize",
            ParDo.of(new PartialSummaryFn(parser, keyFields, keySchema, measures))
                .withOutputTags(PARTIALS, TupleTagList.of(REJECTS)));
    PCollection<Row> summary =
        parsed
            .get(PARTIALS)
            .setCoder(KvCoder.of(RowCoder.of(keySchema), measures.statsCoder()))
            .apply("MergeGroups", Combine.perKey(measures.overPartials()))
            .apply("ToRows", ParDo.of(new ToRowFn(output)))
            .setRowSchema(output);
    return WithRejects.of(ROWS, summary, REJECTS, parsed.get(REJECTS));
  }

  private static final class PartialSummaryFn extends DoFn<FileIO.ReadableFile, KV<Row, SummaryCombineFn.Stats>> {
    private static final Logger LOG = LoggerFactory.getLogger(PartialSummaryFn.class);
    private final Counter read = EtlMetrics.read();
    private final Counter written = EtlMetrics.written();
    private final Counter files = EtlMetrics.counter("files");
    private final CsvRowParser parser;
    private final int[] keyFields;
    private final Schema keySchema;
    private final SummaryCombineFn measures;

    PartialSummaryFn(CsvRowParser parser, int[] keyFields, Schema keySchema, SummaryCombineFn measures) {
      this.parser = parser;
      this.keyFields = keyFields;
      this.keySchema = keySchema;
      this.measures = measures;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      String source = file.getMetadata().resourceId().toString();
      Map<Row, SummaryCombineFn.Stats> groups = new HashMap<>();
      long records = 0;
      try (InputStream in = Channels.newInputStream(file.open());
          CsvFileReader reader = CsvFileReader.open(in)) {
        CsvRowParser.Binding binding = parser.bind(reader.header());
        if (binding.headerProblem() != null && !reader.header().isEmpty()) {
          LOG.error("{}: header lacks the columns to summarise, every record is rejected: {}", source, binding.headerProblem());
        }
        CsvRowParser.RowOrReject sink =
            new CsvRowParser.RowOrReject() {
              @Override
              public void row(Row row) {
                measures.addInput(groups.computeIfAbsent(keyOf(row), k -> measures.createAccumulator()), row);
                written.inc();
              }

              @Override
              public void reject(Reject reject) {
                out.get(REJECTS).output(reject);
              }
            };
        for (CsvFileReader.Record record = reader.next(); record != null; record = reader.next()) {
          records++;
          read.inc();
          binding.parse(source, record, sink);
          if (groups.size() >= MAX_GROUPS_IN_MEMORY) {
            handOn(groups, out);
          }
        }
      }
      handOn(groups, out);
      files.inc();
      LOG.info("{}: {} records", source, records);
    }

    private Row keyOf(Row row) {
      List<Object> key = new ArrayList<>(keyFields.length);
      for (int field : keyFields) {
        key.add(row.getValue(field));
      }
      return Row.withSchema(keySchema).attachValues(key);
    }

    private static void handOn(Map<Row, SummaryCombineFn.Stats> groups, MultiOutputReceiver out) {
      groups.forEach((key, stats) -> out.get(PARTIALS).output(KV.of(key, stats)));
      groups.clear();
    }
  }

  private static final class ToRowFn extends DoFn<KV<Row, Row>, Row> {
    private final Counter groups = EtlMetrics.counter(GROUPS);
    private final Schema output;

    ToRowFn(Schema output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element KV<Row, Row> group, OutputReceiver<Row> out) {
      List<Object> values = new ArrayList<>(group.getKey().getValues());
      values.addAll(group.getValue().getValues());
      groups.inc();
      out.output(Row.withSchema(output).attachValues(values));
    }
  }
}
