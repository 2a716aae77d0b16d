package dev.beametl.bench.fastpaths;

import dev.beametl.pipelines.TaxiGold;
import dev.beametl.transforms.aggregate.Aggregate;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.parquet.ParquetFiles;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.transforms.Convert;

/**
 * taxi-gold's fast path ({@code Aggregate.overParquetFiles}: rows folded as {@code
 * ParquetFiles.forEachRow} decodes them) against Beam's own route: {@code ParquetIO.readFiles}
 * (projected to the same columns) -> Rows -> the same {@link Aggregate}. Both get the files from
 * {@code InputFiles.readEvenly}, so only reading and handing the rows on differ.
 */
final class ParquetBench {
  private ParquetBench() {}

  static void run(String runner, Path staging, int runs) throws Exception {
    List<String> files = InputFiles.resolve(staging.resolve("*.parquet").toString());
    Schema fileSchema;
    try (ParquetFiles.Reader reader = ParquetFiles.open(files.get(0), null)) {
      fileSchema = reader.fileSchema();
    }
    Schema projection = project(fileSchema, Trips.COLUMNS.getFieldNames());
    Runs on = Runs.on(runner);
    new Sitting("taxi gold over " + files.size() + " Parquet staging files, " + runner, "rows", 0)
        .add("overParquetFiles", () -> on.run(p -> TaxiGold.build(p, files).gold()))
        .add("ParquetIO + Aggregate", () -> on.run(p -> p.apply(InputFiles.readEvenly(files))
            .apply(ParquetIO.readFiles(fileSchema).withProjection(projection, projection).withBeamSchemas(true))
            .apply(Convert.toRows())
            .apply(Aggregate.of(Trips.TOTALS))))
        .run(runs);
  }

  /** The record schema of {@code file} with only {@code columns}, in their order. */
  private static Schema project(Schema file, List<String> columns) {
    List<Schema.Field> fields =
        columns.stream().map(file::getField).map(f -> new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal())).toList();
    return Schema.createRecord(file.getName(), file.getDoc(), file.getNamespace(), false, fields);
  }
}
