package dev.beametl.bench.fastpaths;

import dev.beametl.pipelines.TaxiStaging;
import dev.beametl.transforms.EtlMetrics;
import dev.beametl.transforms.files.InputFiles;
import dev.beametl.transforms.parquet.ParquetFiles;
import dev.beametl.transforms.parquet.RowParquetWriter;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.joda.time.ReadableInstant;

/**
 * taxi-staging's Parquet writer ({@link RowParquetWriter}: its own page encoder, parquet-mr's file
 * writer) against parquet-mr's column writers fed value by value (its way until 2026-12-04), the
 * rows fed to parquet-mr's record consumer (until 2026-12-03), and Beam's own route,
 * {@code ParquetIO.sink} of Avro records. One thread writes the same staging rows, held in memory,
 * into one file; every file must read back, through parquet-avro, as the same values.
 */
final class ParquetWriteBench {
  private static final Map<String, String> VALUES_BY_FILE = new HashMap<>();

  private ParquetWriteBench() {}

  static void run(Path staging, Path work, int maxRows, int runs) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (String file : InputFiles.resolve(staging.resolve("*.parquet").toString())) {
      if (rows.size() >= maxRows) {
        break;
      }
      ParquetFiles.forEachRow(FileSystems.matchSingleFileSpec(file), TaxiStaging.SCHEMA, EtlMetrics.read(), rows::add);
    }
    org.apache.avro.Schema avro = AvroUtils.toAvroSchema(TaxiStaging.SCHEMA);
    SerializableFunction<Row, GenericRecord> toRecord = AvroUtils.getRowToGenericRecordFunction(avro);
    Files.createDirectories(work);
    new Sitting("Parquet writing, " + String.format("%,d", rows.size()) + " taxi staging rows into one file, one thread", "rows", 0)
        .add("RowParquetWriter", () -> write(work.resolve("direct.parquet"), RowParquetWriter.sink(TaxiStaging.SCHEMA), rows, r -> r))
        .add("parquet-mr columns", () -> viaColumnWriters(work.resolve("columns.parquet"), rows))
        .add("record consumer", () -> viaRecordConsumer(work.resolve("consumer.parquet"), avro, rows))
        .add("ParquetIO.sink (Avro)", () -> write(work.resolve("avro.parquet"), RowParquetWriter.avroSink(avro), rows, toRecord::apply))
        .run(runs);
  }

  private static Sitting.Result viaColumnWriters(Path file, List<Row> rows) throws Exception {
    Files.deleteIfExists(file);
    ParquetColumnWriters writer = new ParquetColumnWriters(
        HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()), TaxiStaging.SCHEMA);
    for (Row row : rows) {
      writer.write(row);
    }
    writer.close();
    return fingerprint(file, rows.size());
  }

  private static Sitting.Result viaRecordConsumer(Path file, org.apache.avro.Schema avro, List<Row> rows) throws Exception {
    Files.deleteIfExists(file);
    OutputFile out = HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
    try (ParquetWriter<Row> writer = new ConsumerWriter(out, avro).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (Row row : rows) {
        writer.write(row);
      }
    }
    return fingerprint(file, rows.size());
  }

  private static final class ConsumerWriter extends ParquetWriter.Builder<Row, ConsumerWriter> {
    private final org.apache.avro.Schema avro;

    ConsumerWriter(OutputFile file, org.apache.avro.Schema avro) {
      super(file);
      this.avro = avro;
    }

    @Override
    protected ConsumerWriter self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      MessageType parquet = new AvroSchemaConverter().convert(avro);
      Schema.TypeName[] types = TaxiStaging.SCHEMA.getFields().stream().map(f -> f.getType().getTypeName()).toArray(Schema.TypeName[]::new);
      String[] names = TaxiStaging.SCHEMA.getFieldNames().toArray(String[]::new);
      return new WriteSupport<>() {
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
          return new WriteContext(parquet, Map.of("parquet.avro.schema", avro.toString()));
        }

        @Override
        public String getName() {
          return "avro"; // parquet-mr adds it to the footer as writer.model.name, as for parquet-avro
        }

        @Override
        public void prepareForWrite(RecordConsumer consumer) {
          out = consumer;
        }

        @Override
        public void write(Row row) {
          out.startMessage();
          for (int i = 0; i < names.length; i++) {
            Object v = row.getValue(i);
            if (v == null) {
              continue;
            }
            out.startField(names[i], i);
            switch (types[i]) {
              case INT64 -> out.addLong((Long) v);
              case DOUBLE -> out.addDouble((Double) v);
              case STRING -> out.addBinary(Binary.fromString((String) v));
              case DATETIME -> out.addLong(((ReadableInstant) v).getMillis());
              default -> throw new IllegalStateException("not a taxi staging type: " + types[i]);
            }
            out.endField(names[i], i);
          }
          out.endMessage();
        }
      };
    }
  }

  private interface Convert<T> {
    T apply(Row row);
  }

  private static <T> Sitting.Result write(Path file, FileIO.Sink<T> sink, List<Row> rows, Convert<T> convert) throws Exception {
    try (WritableByteChannel channel = FileSystems.create(FileSystems.matchNewResource(file.toString(), false), MimeTypes.BINARY)) {
      sink.open(channel);
      for (Row row : rows) {
        sink.write(convert.apply(row));
      }
      sink.flush();
    }
    return fingerprint(file, rows.size());
  }

  /**
   * The file's values as parquet-avro reads them back (the encodings differ from writer to writer).
   * Read once per distinct file: a later run that writes the same bytes is known by their hash,
   * so the timed runs pay for a hash of the file, as before, not for a read.
   */
  private static Sitting.Result fingerprint(Path file, long rows) throws Exception {
    String bytes = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    String values = VALUES_BY_FILE.get(bytes);
    if (values == null) {
      values = readBack(file);
      VALUES_BY_FILE.put(bytes, values);
      System.out.printf("  %s: %,d bytes%n", file.getFileName(), Files.size(file));
    }
    return new Sitting.Result(rows, values);
  }

  private static String readBack(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long records = 0;
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())).build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        digest.update(r.toString().getBytes(StandardCharsets.UTF_8));
        records++;
      }
    }
    return records + " records read back, sha-256 " + HexFormat.of().formatHex(digest.digest(), 0, 8);
  }
}
