package dev.beametl.pipelines;

import dev.beametl.options.DatasetSummaryOptions;
import dev.beametl.transforms.aggregate.Aggregate;
import dev.beametl.transforms.aggregate.AggregateSpec;
import dev.beametl.transforms.csv.CsvColumnTypes;
import dev.beametl.transforms.csv.CsvFileReader;
import dev.beametl.transforms.csv.CsvHeaderCheck;
import dev.beametl.transforms.csv.FileByteSource;
import dev.beametl.transforms.csv.ParseCsvFiles;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.files.WriteRows;
import dev.beametl.transforms.gates.RowRules;
import dev.beametl.transforms.rejects.Reject;
import dev.beametl.transforms.rejects.WithRejects;
import dev.beametl.transforms.rejects.WriteRejects;
import dev.beametl.transforms.report.RunReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dataset-summary}: any CSV -> one row per group with the requested measures -> one file
 * sorted by the group keys (replaces a pandas Lambda), published under its final name only once
 * the run passed its gates ({@link FileOutputRun}).
 *
 * <p>Only the group and measure columns are parsed, with types declared by {@code --columnTypes} or
 * inferred from a sample read before the run. A record with the wrong number of fields, or a value
 * that does not parse for its column (e.g. text in a column under {@code avg}), is rejected whole.
 * Counts: {@code read} = records read; {@code aggregated} = records folded into the output;
 * {@code rejected} = records refused; {@code written} (and {@code groups}) = output rows. Nothing
 * is filtered.
 */
public final class DatasetSummary {
  public static final EtlPipeline<DatasetSummaryOptions> PIPELINE = EtlPipeline.of(DatasetSummaryOptions.class, DatasetSummary::run);
  public static final String NAME = PIPELINE.name();
  private static final Logger LOG = LoggerFactory.getLogger(DatasetSummary.class);

  /** What the pipeline produces before the sinks: the resolved spec (its keys order the output), the summary rows, the rejects. */
  public record Outputs(AggregateSpec spec, PCollection<Row> summary, PCollection<Reject> rejects) {}

  private DatasetSummary() {}

  public static RunReport run(DatasetSummaryOptions options) {
    PipelineRun run = PipelineRun.start(options);
    List<String> inputs = InputFiles.resolve(options.getInput());
    run.inputs(inputs).output(options.getOutput());

    try (FileOutputRun output = FileOutputRun.start(run, options, NAME, options.getOutput())) {
      Pipeline pipeline = Pipeline.create(options);
      Outputs outputs = run.prepare(() -> build(pipeline, options, inputs));
      outputs.summary().apply("Write", write(options, outputs.spec(), output.directory()));
      outputs.rejects().apply("WriteRejects", WriteRejects.to(options.getRejects()));
      return output.execute(run, pipeline, report -> output.staged().publishReplacing(name -> false));
    }
  }

  /**
   * The pipeline up to (not including) the sinks. Reads a sample of {@code inputs} first to settle
   * the column types.
   *
   * @throws IllegalArgumentException when the options do not fit the input (unknown column, bad measure)
   */
  public static Outputs build(Pipeline pipeline, DatasetSummaryOptions options, List<String> inputs) {
    CsvColumnTypes.Sample sample = CsvColumnTypes.sample(inputs, options.getTypeSampleSize());
    AggregateSpec spec = AggregateSpec.parse(options.getGroupBy(), options.getMeasures()).matchedTo(sample.header(), sample.file());
    RowRules rules = QualityGates.rowRules(options).withColumnsSpelled(c -> headerSpelling(c, sample.header(), sample.file()));
    Schema columns = withRuleColumns(spec.inputSchema(sample.columns(), AggregateSpec.parseTypes(options.getColumnTypes())), rules);
    LOG.info(
        "{}: column types {} (declared, or inferred from {} records)",
        NAME,
        columns.getFields().stream()
            .map(f -> f.getName() + ":" + typeName(f.getType().getTypeName()))
            .collect(Collectors.joining(", ")),
        sample.records());

    ParseCsvFiles parse = ParseCsvFiles.as(columns).withIgnoredColumns(unreadColumns(inputs, columns)).withRangeBytes(options.getReadRangeBytes());
    PCollection<Reject> badFiles =
        pipeline.apply("BadHeaderFiles", CsvHeaderCheck.of(parse.parser(), options.getOnBadHeader()).check(inputs));
    WithRejects<Row> parsed = pipeline.apply("ReadFiles", InputFiles.read(inputs)).apply("Parse", parse);
    PCollection<Reject> rejects = PCollectionList.of(parsed.getRejects()).and(badFiles).apply("AllRejects", Flatten.pCollections());
    WithRejects<Row> checked = rules.after(parsed.getOutput(), rejects);
    PCollection<Row> summary = checked.getOutput().apply("Summarize", Aggregate.of(spec));
    return new Outputs(spec, summary, checked.getRejects());
  }

  /**
   * The columns the summary reads, and those only the rules read: a {@code --range} column as a
   * number, any other as text.
   */
  private static Schema withRuleColumns(Schema columns, RowRules rules) {
    Schema.Builder all = Schema.builder().addFields(columns.getFields());
    List<String> numbers = rules.rangeColumns();
    for (String column : rules.columns()) {
      if (!columns.hasField(column)) {
        all.addNullableField(column, numbers.contains(column) ? Schema.FieldType.DOUBLE : Schema.FieldType.STRING);
      }
    }
    return all.build();
  }

  /** {@code column} as {@code header} spells it (matched case-insensitively). */
  private static String headerSpelling(String column, List<String> header, String file) {
    return header.stream()
        .filter(column::equalsIgnoreCase)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "a row rule names the column '" + column + "', which is not in the header of " + file + ": " + header));
  }

  /**
   * The columns of the inputs' headers that the summary does not read, so that the parser skips
   * them (read on the driver, as the header check does).
   */
  private static String[] unreadColumns(List<String> inputs, Schema columns) {
    Set<String> unread = new LinkedHashSet<>();
    for (String input : inputs) {
      try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(input))) {
        for (String name : reader.header()) {
          if (columns.getFieldNames().stream().noneMatch(name::equalsIgnoreCase)) {
            unread.add(name);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the header of " + input + ": " + e.getMessage(), e);
      }
    }
    return unread.toArray(String[]::new);
  }

  /** The --columnTypes name of a type. */
  private static String typeName(Schema.TypeName type) {
    return type == Schema.TypeName.INT64 ? "long" : type.name().toLowerCase(Locale.ROOT);
  }

  /** One file (the default): the groups are sorted by the keys on one worker. More files: unsorted. */
  private static boolean oneFile(DatasetSummaryOptions options) {
    return options.getOutputShards() <= 1;
  }

  static WriteRows write(DatasetSummaryOptions options, AggregateSpec spec, String directory) {
    WriteRows write = WriteRows.to(directory, options.getOutputFormat()).countingWritten();
    return oneFile(options) ? write.sortedBy(spec.keys()) : write.withNumShards(options.getOutputShards());
  }
}
