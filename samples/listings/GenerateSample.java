import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;

/**
 * Writes the synthetic scraper output of samples/listings/occupancy: two runs of the occupancy
 * scraper, laid out as it writes them (array_<n>/<yyyyMMddHHmmss>/*.parquet, every column optional,
 * dates and timestamps as text, ids as doubles). Made up, not scraped. Regenerate with
 *   java -cp "pipelines/target/beam-etl.jar:$(cat pipelines/target/spark-classpath.txt)" \
 *     samples/listings/GenerateSample.java samples/listings/occupancy
 */
public class GenerateSample {
  static final List<String> COLUMNS =
      List.of("index", "date", "available", "min_nights", "max_nights", "available_for_checkin", "available_for_checkout", "bookable", "id", "trigger_time", "pulled");
  static final List<Schema.Type> TYPES =
      List.of(Schema.Type.LONG, Schema.Type.STRING, Schema.Type.BOOLEAN, Schema.Type.LONG, Schema.Type.LONG, Schema.Type.BOOLEAN,
          Schema.Type.BOOLEAN, Schema.Type.BOOLEAN, Schema.Type.DOUBLE, Schema.Type.STRING, Schema.Type.STRING);
  static final double[] LISTINGS = {6774081.0, 21387443.0, 41502211.0};

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    // The first run was pulled just after midnight: hour 00, which the old job could not parse.
    List<Object[]> first = run("20240601T000012", "20240601T000530", 1);
    first.add(first.get(2).clone()); // the scraper retried a page: the same row twice
    first.add(row(97, "2024-06-31", true, 2, 30, LISTINGS[0], "20240601T000012", "20240601T000530")); // no such date
    first.add(row(98, "2024-06-10", true, 2, 30, null, "20240601T000012", "20240601T000530")); // no id
    write(root.resolve("array_0/20240601000012/part-00000.parquet"), first);
    write(root.resolve("array_0/20240602060000/part-00000.parquet"), run("20240602T060000", "20240602T061502", 2));
  }

  /** One scraper run: each listing's next 4 nights, as pulled at {@code pulled}. */
  static List<Object[]> run(String triggerTime, String pulled, int day) {
    List<Object[]> rows = new ArrayList<>();
    for (double id : LISTINGS) {
      for (int night = 0; night < 4; night++) {
        boolean available = (rows.size() + day) % 3 != 0;
        rows.add(row(rows.size(), String.format("2024-06-%02d", day + night + 1), available, 2, 30, id, triggerTime, pulled));
      }
    }
    return rows;
  }

  static Object[] row(long index, String date, boolean available, long minNights, long maxNights, Double id, String triggerTime, String pulled) {
    return new Object[] {index, date, available, minNights, maxNights, available, available, available, id, triggerTime, pulled};
  }

  static void write(Path file, List<Object[]> rows) throws IOException {
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("scraped").fields();
    for (int i = 0; i < COLUMNS.size(); i++) {
      fields = fields.name(COLUMNS.get(i)).type(Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(TYPES.get(i)))).withDefault(null);
    }
    Schema schema = fields.endRecord();
    Files.createDirectories(file.getParent());
    ParquetIO.Sink sink = ParquetIO.sink(schema);
    try (WritableByteChannel out = Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
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
}
