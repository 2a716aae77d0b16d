package dev.beametl.bench.fastpaths;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.beametl.transforms.csv.CsvFileReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The project's byte tokenizer ({@link CsvFileReader}, as {@code CsvFileRange} opens it: the
 * whole file from a re-openable byte source) against commons-csv, FastCSV and Jackson's CSV
 * reader: one thread tokenizing one file of loan records to field strings. Every reader must
 * give the same records and field values (a count and a checksum over every field).
 */
final class CsvBench {
  /** Every this many records, the {@code desc} field gets a quoted line break and a doubled quote. */
  private static final int LINE_BREAK_EVERY = 1_000;

  private CsvBench() {}

  static void run(Path sample, Path work, long megabytes, int runs) throws Exception {
    Path file = loans(sample, work, megabytes);
    long bytes = Files.size(file);
    new Sitting("CSV tokenizer, " + file.getFileName() + " (" + bytes / 1_000_000 + " MB), one thread", "records", bytes)
        .add("CsvFileReader", () -> project(file).result())
        .add("commons-csv 1.11", () -> commonsCsv(file).result())
        .add("FastCSV 3.7", () -> fastCsv(file).result())
        .add("jackson-csv 2.15", () -> jackson(file).result())
        .run(runs);
    new Sitting("Records walked without their fields (CsvFileReader.skip, as range planning walks a file), "
        + file.getFileName() + ", one thread", "records", bytes)
        .add("CsvFileReader.skip", () -> skipped(file))
        .run(runs);
  }

  private static Sitting.Result skipped(Path file) throws IOException {
    try (CsvFileReader reader = open(file)) {
      long records = 0;
      while (reader.skip()) {
        records++;
      }
      return new Sitting.Result(records, "ends at byte " + reader.position().offset() + ", line " + reader.position().lines());
    }
  }

  /** The file of loans this bench reads, generated from {@code sample} on first use. */
  static Path loans(Path sample, Path work, long megabytes) throws IOException {
    Path file = work.resolve("loans-" + megabytes + "mb.csv");
    if (!Files.exists(file)) {
      generate(sample, file, megabytes * 1_000_000);
    }
    return file;
  }

  /** Records and fields seen, and a checksum of every field's value in order. */
  private static final class Tally {
    long records;
    long fields;
    long checksum;

    void add(String field) {
      fields++;
      checksum = checksum * 31 + field.hashCode();
    }

    void endRecord() {
      records++;
      checksum = checksum * 31 + 1;
    }

    Sitting.Result result() {
      return new Sitting.Result(records, String.format("%,d fields, checksum %016x", fields, checksum));
    }
  }

  /** The file through the project's reader, as {@code CsvFileRange} opens it: from a re-openable byte source. */
  static CsvFileReader open(Path file) throws IOException {
    return CsvFileReader.open(offset -> {
      InputStream in = Files.newInputStream(file);
      in.skipNBytes(offset);
      return in;
    });
  }

  private static Tally project(Path file) throws IOException {
    Tally tally = new Tally();
    try (CsvFileReader reader = open(file)) {
      for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
        if (r.malformed() != null) {
          throw new IllegalStateException("record " + r.number() + " is malformed: " + r.malformed());
        }
        r.values().forEach(tally::add);
        tally.endRecord();
      }
    }
    return tally;
  }

  private static Tally commonsCsv(Path file) throws IOException {
    Tally tally = new Tally();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = CSVParser.parse(in, CSVFormat.RFC4180)) {
      boolean header = true;
      for (CSVRecord r : parser) {
        if (header) {
          header = false;
          continue;
        }
        for (int i = 0; i < r.size(); i++) {
          tally.add(r.get(i));
        }
        tally.endRecord();
      }
    }
    return tally;
  }

  private static Tally fastCsv(Path file) throws IOException {
    Tally tally = new Tally();
    try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(file)) {
      boolean header = true;
      for (CsvRecord r : reader) {
        if (header) {
          header = false;
          continue;
        }
        for (int i = 0; i < r.getFieldCount(); i++) {
          tally.add(r.getField(i));
        }
        tally.endRecord();
      }
    }
    return tally;
  }

  private static Tally jackson(Path file) throws IOException {
    Tally tally = new Tally();
    CsvMapper mapper = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
    try (MappingIterator<String[]> rows = mapper.readerFor(String[].class).with(CsvSchema.emptySchema()).readValues(file.toFile())) {
      rows.next(); // the header
      while (rows.hasNext()) {
        for (String field : rows.next()) {
          tally.add(field);
        }
        tally.endRecord();
      }
    }
    return tally;
  }

  /**
   * The sample's loan records, repeated with unique ids up to {@code bytes}: the quoting of the
   * real files (commas and markup in free text), plus a quoted line break now and then.
   */
  private static void generate(Path sample, Path file, long bytes) throws IOException {
    List<String> header;
    List<List<String>> records = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(sample, StandardCharsets.UTF_8, CSVFormat.RFC4180.builder().setHeader().build())) {
      header = parser.getHeaderNames();
      parser.forEach(r -> records.add(r.toList()));
    }
    int id = header.indexOf("id");
    int desc = header.indexOf("desc");
    Files.createDirectories(file.getParent());
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (BufferedWriter out = Files.newBufferedWriter(partial);
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator('\n').build())) {
      printer.printRecord(header);
      long n = 0;
      while (Files.size(partial) < bytes) {
        for (int i = 0; i < 10_000; i++) {
          n++;
          List<String> record = new ArrayList<>(records.get((int) (n % records.size())));
          record.set(id, Long.toString(n));
          if (n % LINE_BREAK_EVERY == 0) {
            record.set(desc, "Borrower added on 12/16/11 > \"consolidation\", then:\nthe rest of the card debt");
          }
          printer.printRecord(record);
        }
        printer.flush();
      }
    }
    Files.move(partial, file);
  }
}
