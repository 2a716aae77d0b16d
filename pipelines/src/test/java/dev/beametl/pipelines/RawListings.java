package dev.beametl.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.ListingPostprocessOptions.Kind;
import dev.beametl.testing.Processes;
import dev.beametl.transforms.parquet.ParquetFiles;
import dev.beametl.transforms.parquet.PartitionedParquetTable;
import dev.beametl.transforms.parquet.RecordToRow;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Test data for {@code listing-postprocess}: raw Parquet laid out as the scraper writes it (every
 * column optional, dates and timestamps as text), and the table read back as sorted text lines.
 */
final class RawListings {
  /** The scraper's column names and order per kind. */
  static final List<String> PRICE_COLUMNS =
      List.of("index", "cleaning_fee", "service_fee", "total_price", "check_in", "check_out", "total_price_description", "currency", "id", "trigger_time", "pulled");
  static final List<String> OCCUPANCY_COLUMNS =
      List.of("index", "date", "available", "min_nights", "max_nights", "available_for_checkin", "available_for_checkout", "bookable", "id", "trigger_time", "pulled");
  static final List<String> REVIEWS_COLUMNS = List.of("index", "date_of_review", "review", "rating", "pulled", "id");

  private RawListings() {}

  /** The 11,999 real listing ids of id_config.json, in file order. */
  static List<Long> realIds() throws IOException {
    JsonNode root = new ObjectMapper().readTree(Processes.sharedData().resolve("airbnb_postprocessing/id_config.json").toFile());
    List<Long> ids = new ArrayList<>();
    for (JsonNode list : root.get("id_configs")) {
      for (JsonNode id : list) {
        ids.add((long) id.asDouble());
      }
    }
    return ids;
  }

  /**
   * Writes one raw file: {@code rows} hold the kind's columns in scraper order; a value's Java type
   * gives the column's Parquet type (Long, Double, Boolean, String; the first non-null wins).
   */
  static void write(Path file, Kind kind, List<Object[]> rows) throws IOException {
    List<String> columns = columns(kind);
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("scraped").fields();
    for (int i = 0; i < columns.size(); i++) {
      Object sample = null;
      for (Object[] row : rows) {
        sample = sample != null ? sample : row[i];
      }
      Schema type =
          sample instanceof Long ? Schema.create(Schema.Type.LONG)
              : sample instanceof Double ? Schema.create(Schema.Type.DOUBLE)
              : sample instanceof Boolean ? Schema.create(Schema.Type.BOOLEAN)
              : Schema.create(Schema.Type.STRING);
      fields = fields.name(columns.get(i)).type(Schema.createUnion(Schema.create(Schema.Type.NULL), type)).withDefault(null);
    }
    Schema schema = fields.endRecord();
    Files.createDirectories(file.getParent());
    ParquetIO.Sink sink = ParquetIO.sink(schema);
    try (WritableByteChannel out = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      sink.open(out);
      for (Object[] values : rows) {
        GenericRecord record = new GenericData.Record(schema);
        for (int i = 0; i < values.length; i++) {
          record.put(i, values[i]);
        }
        sink.write(record);
      }
      sink.flush();
    }
  }

  static List<String> columns(Kind kind) {
    switch (kind) {
      case PRICE:
        return PRICE_COLUMNS;
      case OCCUPANCY:
        return OCCUPANCY_COLUMNS;
      default:
        return REVIEWS_COLUMNS;
    }
  }

  /** Every row of the table as {@code <partition dir> col=value ...}, sorted. */
  static List<String> table(String root, Kind kind, String partitionColumn) throws IOException {
    PartitionedParquetTable table = PartitionedParquetTable.at(root, partitionColumn);
    RecordToRow converter = RecordToRow.to(ListingPostprocess.table(kind).schema());
    List<String> lines = new ArrayList<>();
    for (String file : table.files()) {
      MatchResult.Metadata metadata = FileSystems.matchSingleFileSpec(file);
      try (ParquetFiles.Reader reader = ParquetFiles.open(metadata, null)) {
        for (GenericRecord r = reader.next(); r != null; r = reader.next()) {
          Row row = converter.convert(r).row();
          if (row == null) {
            throw new IllegalStateException(file + ": " + converter.convert(r).problem());
          }
          lines.add(partitionColumn + "=" + table.partitionOf(file) + " " + render(row));
        }
      }
    }
    lines.sort(null);
    return lines;
  }

  static String render(Row row) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < row.getFieldCount(); i++) {
      Object v = row.getValue(i);
      if (i > 0) {
        s.append(' ');
      }
      s.append(row.getSchema().getField(i).getName()).append('=').append(v instanceof ReadableInstant t ? t.toInstant().toString() : v);
    }
    return s.toString();
  }

  /** Files under a local directory, relative to it, sorted (hidden ones included). */
  static List<String> localFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /** Data files of a table (anything matching its partition layout, temp files excluded). */
  static List<String> tableFiles(String root, String partitionColumn) throws IOException {
    return FileSystems.match(root + "/" + partitionColumn + "=*/*", EmptyMatchTreatment.ALLOW).metadata().stream()
        .map(m -> m.resourceId().toString())
        .sorted()
        .toList();
  }
}
