import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beametl.options.ListingPostprocessOptions;
import dev.beametl.options.PipelineCatalog;
import dev.beametl.pipelines.BeamEtl;
import dev.beametl.pipelines.ListingPostprocess;
import dev.beametl.transforms.report.RunReport;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;

/**
 * listing-postprocess at volume (run by bench/run-listing): price rows for the 11,999 real listing
 * ids, one raw file per id list (40 arrays), `--days` check-in dates per listing and pull.
 *   1. first pull into an empty table;
 *   2. a second pull (new `pulled`) against the table holding the first: the key check reads it all;
 *   3. the second pull again (a re-run): everything is a duplicate, nothing is written.
 */
public class ListingBench {
  public static void main(String[] args) throws Exception {
    int days = 30;
    String runner = "DirectRunner";
    List<String> extra = new ArrayList<>();
    Path work = Path.of("bench/work/listing");
    for (String a : args) {
      if (a.startsWith("--days=")) {
        days = Integer.parseInt(a.substring(7));
      } else if (a.startsWith("--runner=")) {
        runner = a.substring(9);
      } else if (a.startsWith("--work=")) {
        work = Path.of(a.substring(7));
      } else if (a.startsWith("--enforce")) {
        extra.add(a); // DirectRunner checks, e.g. --enforceImmutability=false
      } else {
        throw new IllegalArgumentException("usage: bench/run-listing [--days=30] [--runner=DirectRunner|SparkRunner] [--work=bench/work/listing] [--enforceImmutability=false --enforceEncodability=false]");
      }
    }
    List<List<Long>> idLists = idLists();
    deleteTree(work);
    Path raw = work.resolve("raw");
    Path table = work.resolve("table");

    long generated = generate(raw, idLists, days, "20220501T060000");
    System.out.printf("runner %s; %d rows per pull (%d listings x %d days), %d raw files%n", runner, generated, idLists.stream().mapToInt(List::size).sum(), days, idLists.size());
    run("1 first pull, empty table", runner, raw, table, work, "DELETE", extra);
    generate(raw, idLists, days, "20220502T060000");
    run("2 second pull vs table of 1 pull", runner, raw, table, work, "KEEP", extra);
    run("3 re-run of pull 2 (all duplicates)", runner, raw, table, work, "DELETE", extra);
  }

  static void run(String label, String runner, Path raw, Path table, Path work, String afterLoad, List<String> extra) {
    List<String> args = new ArrayList<>(List.of(
        "--kind=price", "--input=" + raw, "--output=" + table, "--afterLoad=" + afterLoad, "--runner=" + runner, "--sparkMaster=local[2]",
        "--rejects=" + work.resolve("rejects.jsonl"), "--runReport=" + work.resolve("report.json")));
    args.addAll(extra);
    ListingPostprocessOptions options =
        BeamEtl.parse(PipelineCatalog.find(ListingPostprocess.NAME).orElseThrow(), args.toArray(String[]::new)).as(ListingPostprocessOptions.class);
    long start = System.nanoTime();
    RunReport report = ListingPostprocess.run(options);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%-40s %6.1f s  %,9.0f rows/s  read %d written %d filtered %d rejected %d table_rows %d%n",
        label, seconds, report.count("read") / seconds, report.count("read"), report.count("written"), report.count("filtered"), report.count("rejected"), report.count("table_rows"));
  }

  /** One file per id list under array_<n>/<pull>/: every listing, `days` check-in dates each. */
  static long generate(Path raw, List<List<Long>> idLists, int days, String pulled) throws Exception {
    Schema schema =
        SchemaBuilder.record("price").fields()
            .optionalLong("index").optionalDouble("cleaning_fee").optionalDouble("service_fee").optionalDouble("total_price")
            .optionalString("check_in").optionalString("check_out").optionalString("total_price_description").optionalString("currency")
            .optionalDouble("id").optionalString("trigger_time").optionalString("pulled")
            .endRecord();
    String folder = LocalDateTime.parse(pulled, DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss")).format(DateTimeFormatter.ofPattern("uuuuMMddHHmmss"));
    LocalDate first = LocalDate.of(2022, 5, 8);
    long rows = 0;
    for (int n = 0; n < idLists.size(); n++) {
      Path file = raw.resolve("array_" + n + "/" + folder + "/part-0.parquet");
      Files.createDirectories(file.getParent());
      ParquetIO.Sink sink = ParquetIO.sink(schema);
      try (WritableByteChannel out = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        sink.open(out);
        long index = 0;
        for (long id : idLists.get(n)) {
          for (int d = 0; d < days; d++) {
            double total = 50 + (id + d) % 400;
            GenericRecord r = new GenericData.Record(schema);
            r.put("index", index++);
            r.put("cleaning_fee", 100.0);
            r.put("service_fee", Math.floor(total * 0.14));
            r.put("total_price", total);
            r.put("check_in", first.plusDays(d).toString());
            r.put("check_out", first.plusDays(d + 1).toString());
            r.put("total_price_description", String.format("$%.0f x 1 night", total));
            r.put("currency", "$");
            r.put("id", (double) id);
            r.put("trigger_time", pulled);
            r.put("pulled", pulled);
            sink.write(r);
            rows++;
          }
        }
        sink.flush();
      }
    }
    return rows;
  }

  static List<List<Long>> idLists() throws Exception {
    JsonNode root = new ObjectMapper().readTree(Path.of("../shared/data/airbnb_postprocessing/id_config.json").toFile());
    List<List<Long>> lists = new ArrayList<>();
    for (JsonNode list : root.get("id_configs")) {
      List<Long> ids = new ArrayList<>();
      list.forEach(id -> ids.add((long) id.asDouble()));
      lists.add(ids);
    }
    return lists;
  }

  static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
