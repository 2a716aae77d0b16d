package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The reader's fields against commons-csv's on random well-formed files of several buffers (64 KiB
 * each), so that plain and quoted fields, doubled quotes, quoted line breaks and CRLFs fall on every
 * side of a buffer refill: the record kept in the buffer and the record copied out must read alike.
 */
class CsvFileReaderReferenceTest {
  private static final String[] PLAIN = {"", "1", "12.50", "2020-06-01 00:05:09", "N", "abc", "caf\u00e9", "\u20ac5", "x y"};
  private static final String[] QUOTED = {"a,b", "say \"\"hi\"\"", "two\nlines", "crlf\r\ninside", "\"\"", "", "\u00e9,\u00e8", "end\"\""};

  @Test
  void readsWhatCommonsCsvReads() throws IOException {
    Random random = new Random(64);
    for (int file = 0; file < 6; file++) {
      String text = file(random, 20_000 + random.nextInt(20_000));
      List<List<String>> expected = new ArrayList<>();
      try (CSVParser parser = CSVParser.parse(new StringReader(text), CsvFileReader.FORMAT)) {
        for (CSVRecord r : parser) {
          expected.add(r.toList());
        }
      }
      List<List<String>> found = new ArrayList<>();
      found.add(null); // the header, read by the reader itself
      try (CsvFileReader reader = CsvFileReader.open(text.getBytes(StandardCharsets.UTF_8))) {
        found.set(0, reader.header());
        for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
          assertThat(r.malformed(), is((String) null));
          assertThat(r.badEncoding(), is(false));
          found.add(r.values());
        }
      }
      assertThat(found.size(), is(expected.size()));
      for (int i = 0; i < expected.size(); i++) {
        assertThat("record " + i + " of file " + file, found.get(i), is(expected.get(i)));
      }
    }
  }

  private static String file(Random random, int records) {
    StringBuilder text = new StringBuilder("a,b,c,d,e\n");
    for (int r = 0; r < records; r++) {
      int fields = 5;
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          text.append(',');
        }
        if (random.nextInt(3) == 0) {
          text.append('"').append(QUOTED[random.nextInt(QUOTED.length)]).append('"');
        } else {
          text.append(PLAIN[random.nextInt(PLAIN.length)]).append(random.nextInt(50) == 0 ? "z".repeat(random.nextInt(300)) : "");
        }
      }
      text.append(random.nextInt(4) == 0 ? "\r\n" : "\n");
    }
    return text.toString();
  }
}
