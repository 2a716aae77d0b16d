package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a file in ranges gives exactly the whole-file read: same records, rejects, numbers and lines. */
class CsvFileRangeTest {
  @TempDir Path tmp;

  /** What a record is, as the pipeline sees it. */
  private static String describe(CsvFileReader.Record r) {
    return r.number() + "@" + r.line() + (r.badEncoding() ? " bad-encoding " : " ") + (r.malformed() != null ? "MALFORMED " : "")
        + r.values() + " | " + r.originalText();
  }

  private static List<String> wholeFile(Path file) throws IOException {
    List<String> all = new ArrayList<>();
    try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(file.toString()))) {
      all.add("header " + reader.header() + " " + reader.headerBadEncoding());
      CsvFileReaderTest.records(reader).forEach(r -> all.add(describe(r)));
    }
    return all;
  }

  private static List<String> inRanges(Path file, long rangeBytes) throws IOException {
    List<CsvFileRange> ranges = SplitCsvFiles.plan(file.toString(), Files.size(file), rangeBytes);
    List<String> all = new ArrayList<>();
    for (CsvFileRange range : ranges) {
      try (CsvFileReader reader = range.open()) {
        if (range.index() == 0) {
          all.add("header " + reader.header() + " " + reader.headerBadEncoding());
        }
        CsvFileReaderTest.records(reader).forEach(r -> all.add(describe(r)));
      }
    }
    return all;
  }

  private static final String[] PIECES = {
    "a", "bc", "12.5", " ", "", ",", ",", ",", "\"q,uoted\"", "\"two\nlines\"", "\"crlf\r\ninside\"", "\"dq\"\"x\"\"\"", "\"\"",
    "\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\"never closed", "\"closed\"junk", "x\"y", "caf\u00e9", "\u20ac",
    // Runs of eight bytes and more with no quote or line break, which skip() walks a word at a time.
    "2019-01-01 00:07:19", ",unquoted and long,", "\"quoted, long enough to span words\"", "\"a long quoted\r\nfield, with a \"\"quote\"\"\"",
  };

  /** A random CSV file: mostly fine records, with every kind of trouble mixed in. */
  private static byte[] randomFile(Random random, int pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (random.nextInt(4) == 0) {
      out.writeBytes("\uFEFF".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes((random.nextInt(10) == 0 ? "id,\"open\n" : "id,name,note\n").getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < pieces; i++) {
      if (random.nextInt(200) == 0) {
        out.write(0xE9); // Latin-1, not UTF-8
      } else {
        out.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  @Test
  void randomFilesReadInRangesOfEverySizeEqualTheWholeFileRead() throws IOException {
    Random random = new Random(20261201);
    int multiRange = 0;
    int malformed = 0;
    int badEncoding = 0;
    for (int trial = 0; trial < 150; trial++) {
      Path file = Files.write(tmp.resolve("f" + trial + ".csv"), randomFile(random, 20 + random.nextInt(400)));
      List<String> expected = wholeFile(file);
      malformed += expected.stream().filter(r -> r.contains("MALFORMED")).count();
      badEncoding += expected.stream().filter(r -> r.contains("bad-encoding")).count();
      for (long rangeBytes : new long[] {1, 2, 3, 5, 8, 13, 40, 1 + random.nextInt(200), 1 << 20}) {
        assertThat("trial " + trial + ", ranges of " + rangeBytes, inRanges(file, rangeBytes), equalTo(expected));
      }
      multiRange += SplitCsvFiles.plan(file.toString(), Files.size(file), 8).size() > 1 ? 1 : 0;
    }
    assertThat(multiRange, greaterThan(120));
    assertThat("the files hold broken quoting", malformed, greaterThan(150));
    assertThat("and bytes that are not UTF-8", badEncoding, greaterThan(50));
  }

  @Test
  void skippingARecordEndsWhereReadingItEnds() throws IOException {
    // skip() scans well-formed records in the buffer by itself: it must stop at every position next() does.
    Random random = new Random(20261202);
    for (int trial = 0; trial < 200; trial++) {
      Path file = Files.write(tmp.resolve("s" + trial + ".csv"), randomFile(random, 20 + random.nextInt(30_000)));
      List<CsvFileReader.Position> read = new ArrayList<>();
      List<CsvFileReader.Position> skipped = new ArrayList<>();
      try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(file.toString()))) {
        while (reader.next() != null) {
          read.add(reader.position());
        }
      }
      try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(file.toString()))) {
        while (reader.skip()) {
          skipped.add(reader.position());
        }
      }
      assertThat("trial " + trial, skipped, equalTo(read));
    }
  }

  @Test
  void aLargeFileWithAnEarlyUnclosedQuoteSplitsExactly() throws IOException {
    // The unclosed quote makes every reader re-read from the record's start after its buffer moved on.
    StringBuilder text = new StringBuilder(LoanLikeCsv.HEADER).append("\r\n");
    for (long id = 1; id <= 30_000; id++) {
      text.append(id == 5 ? "5,\"d oops" : LoanLikeCsv.record(id)).append(id % 1000 == 0 ? "\r\n\r\n" : "\r\n");
    }
    Path file = Files.writeString(tmp.resolve("large.csv"), text);
    List<String> expected = wholeFile(file);
    assertThat(expected.size(), is(30_001));
    for (long rangeBytes : new long[] {10_000, 65_536, 100_003, 1 << 20}) {
      assertThat("ranges of " + rangeBytes, inRanges(file, rangeBytes), equalTo(expected));
    }
    assertThat(SplitCsvFiles.plan(file.toString(), Files.size(file), 100_003).size(), greaterThan(20));
  }

  @Test
  void aCompressedFileIsOneRange() throws IOException {
    Path file = tmp.resolve("f.csv.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(LoanLikeCsv.file(2000, java.util.Map.of()).getBytes(StandardCharsets.UTF_8));
    }
    List<CsvFileRange> ranges = SplitCsvFiles.plan(file.toString(), Files.size(file), 100);
    assertThat(ranges.size(), is(1));
    try (CsvFileReader reader = ranges.get(0).open()) {
      assertThat(CsvFileReaderTest.records(reader).size(), is(2000));
    }
  }
}
