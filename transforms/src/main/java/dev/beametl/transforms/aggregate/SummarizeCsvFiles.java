package dev.beametl.transforms.aggregate;

import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.csv.CsvFileReader;
import dev.beametl.transforms.csv.FileByteSource;
import dev.beametl.transforms.csv.CsvRowParser;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
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
 * on every runner. To bound memory, a file hands its partials on whenever it holds
 * {@value #MAX_GROUPS_IN_MEMORY} groups (with that many groups per file, more partials are merged).
 *
 * <p>The partials are merged by a shuffle on the group keys, which scales to any number of groups;
 * or, with {@link #mergedOnOneWorker()}, by one worker holding every group.
 *
 * <p>Counts: {@code read} every record; {@code aggregated} every record folded into a group;
 * {@code groups} every output row (the rows' sink counts them {@code written}); {@code files}. Rejects are counted where they are written.
 */
public final class SummarizeCsvFiles extends PTransform<PCollection<FileIO.ReadableFile>, WithRejects<Row>> {
  public static final String GROUPS = "groups";
  static final int MAX_GROUPS_IN_MEMORY = 200_000;
  private static final TupleTag<KV<Row, SummaryCombineFn.Stats>> PARTIALS = new TupleTag<>() {};
  private static final TupleTag<Reject> REJECTS = new TupleTag<>() {};
  private static final TupleTag<Row> ROWS = new TupleTag<>() {};

  private final SummarySpec spec;
  private final Schema columns;
  private final boolean oneWorker;

  private SummarizeCsvFiles(SummarySpec spec, Schema columns, boolean oneWorker) {
    this.spec = spec;
    this.columns = columns;
    this.oneWorker = oneWorker;
  }

  /**
   * @param columns the columns to parse, with their types ({@link SummarySpec#inputSchema}); the
   *     files' other columns are skipped
   */
  public static SummarizeCsvFiles of(SummarySpec spec, Schema columns) {
    return new SummarizeCsvFiles(spec, columns, false);
  }

  /**
   * Merges every group on one worker instead of shuffling by group: for results that fit in memory
   * (a summary to be written as one file). Much faster on the DirectRunner, which runs each key
   * of a shuffle as a bundle of its own.
   */
  public SummarizeCsvFiles mergedOnOneWorker() {
    return new SummarizeCsvFiles(spec, columns, true);
  }

  /** How the files' headers are bound and their records parsed (for {@link dev.beametl.transforms.csv.CsvHeaderCheck}). */
  public CsvRowParser parser() {
    return CsvRowParser.of(columns, "parse").allowingExtraColumns();
  }

  @Override
  public WithRejects<Row> expand(PCollection<FileIO.ReadableFile> files) {
    Schema output = spec.outputSchema(columns);
    int keyCount = spec.keys().size();
    Schema keySchema = new Schema(output.getFields().subList(0, keyCount));
    Schema valueSchema = new Schema(output.getFields().subList(keyCount, output.getFieldCount()));
    SummaryCombineFn measures = new SummaryCombineFn(columns, spec.measures(), valueSchema);
    CsvRowParser parser = parser();
    int[] keyFields = spec.keys().stream().mapToInt(columns::indexOf).toArray();

    PCollectionTuple parsed =
        files.apply(
            "ParseAndSummarize",
            ParDo.of(new PartialSummaryFn(parser, keyFields, keySchema, measures))
                .withOutputTags(PARTIALS, TupleTagList.of(REJECTS)));
    PCollection<KV<Row, SummaryCombineFn.Stats>> partials =
        parsed.get(PARTIALS).setCoder(KvCoder.of(RowCoder.of(keySchema), measures.statsCoder()));
    PCollection<Row> summary =
        oneWorker
            ? partials
                .apply("MergeAllGroups", Combine.globally(new MergeAllGroups(measures, keySchema, output)))
                .apply("ToRows", ParDo.of(new EachRowFn()))
                .setRowSchema(output)
            : partials
                .apply("MergeGroups", Combine.perKey(measures.overPartials()))
                .apply("ToRows", ParDo.of(new ToRowFn(output)))
                .setRowSchema(output);
    return WithRejects.of(ROWS, summary, REJECTS, parsed.get(REJECTS));
  }

  private static final class PartialSummaryFn extends DoFn<FileIO.ReadableFile, KV<Row, SummaryCombineFn.Stats>> {
    private static final Logger LOG = LoggerFactory.getLogger(PartialSummaryFn.class);
    private final Counter read = EtlMetrics.read();
    private final Counter aggregated = EtlMetrics.aggregated();
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
      try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(source))) {
        CsvRowParser.Binding binding = parser.bind(reader, source);
        CsvRowParser.RowOrReject sink =
            new CsvRowParser.RowOrReject() {
              @Override
              public void row(Row row) {
                measures.addInput(groups.computeIfAbsent(keyOf(row), k -> measures.createAccumulator()), row);
                aggregated.inc();
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

  /** An output row: the group's key fields, then its measures. */
  private static Row join(Schema output, Row key, Row measures) {
    List<Object> values = new ArrayList<>(key.getValues());
    values.addAll(measures.getValues());
    return Row.withSchema(output).attachValues(values);
  }

  private static final class ToRowFn extends DoFn<KV<Row, Row>, Row> {
    private final Counter groups = EtlMetrics.counter(GROUPS);
    private final Schema output;

    ToRowFn(Schema output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element KV<Row, Row> group, OutputReceiver<Row> out) {
      groups.inc();
      out.output(join(output, group.getKey(), group.getValue()));
    }
  }

  /** Every group in one accumulator: the partials of each key merged, then one output row per key. */
  private static final class MergeAllGroups extends Combine.CombineFn<KV<Row, SummaryCombineFn.Stats>, Map<Row, SummaryCombineFn.Stats>, List<Row>> {
    private final SummaryCombineFn measures;
    private final Schema keySchema;
    private final Schema output;

    MergeAllGroups(SummaryCombineFn measures, Schema keySchema, Schema output) {
      this.measures = measures;
      this.keySchema = keySchema;
      this.output = output;
    }

    @Override
    public Map<Row, SummaryCombineFn.Stats> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Row, SummaryCombineFn.Stats> addInput(Map<Row, SummaryCombineFn.Stats> groups, KV<Row, SummaryCombineFn.Stats> partial) {
      measures.mergeInto(groups.computeIfAbsent(partial.getKey(), k -> measures.createAccumulator()), partial.getValue());
      return groups;
    }

    @Override
    public Map<Row, SummaryCombineFn.Stats> mergeAccumulators(Iterable<Map<Row, SummaryCombineFn.Stats>> all) {
      Map<Row, SummaryCombineFn.Stats> merged = createAccumulator();
      for (Map<Row, SummaryCombineFn.Stats> groups : all) {
        groups.forEach((key, stats) -> measures.mergeInto(merged.computeIfAbsent(key, k -> measures.createAccumulator()), stats));
      }
      return merged;
    }

    @Override
    public List<Row> extractOutput(Map<Row, SummaryCombineFn.Stats> groups) {
      List<Row> rows = new ArrayList<>(groups.size());
      groups.forEach((key, stats) -> rows.add(join(output, key, measures.extractOutput(stats))));
      return rows;
    }

    @Override
    public Coder<Map<Row, SummaryCombineFn.Stats>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Row, SummaryCombineFn.Stats>> inputCoder) {
      return MapCoder.of(RowCoder.of(keySchema), measures.statsCoder());
    }

    @Override
    public Coder<List<Row>> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<Row, SummaryCombineFn.Stats>> inputCoder) {
      return ListCoder.of(RowCoder.of(output));
    }
  }

  private static final class EachRowFn extends DoFn<List<Row>, Row> {
    private final Counter groups = EtlMetrics.counter(GROUPS);

    @ProcessElement
    public void process(@Element List<Row> rows, OutputReceiver<Row> out) {
      for (Row row : rows) {
        groups.inc();
        out.output(row);
      }
    }
  }
}
