package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokenizer against the ways real files come, and against commons-csv's reading of the same text. */
class CsvFileReaderTokenizerTest {

  @Test
  void bomCrlfQuotesAndNoFinalNewline() throws IOException {
    String text = "\uFEFFid, name ,note\r\n1,\"Smith, J\",\"said \"\"hi\"\"\"\r\n\r\n2,plain,\"two\r\nlines\"\r\n3,,\"\"";
    try (CsvFileReader r = read(text)) {
      assertThat(r.header(), equalTo(List.of("id", "name", "note")));
      CsvFileReader.Record first = r.next();
      assertThat(first.values(), equalTo(List.of("1", "Smith, J", "said \"hi\"")));
      assertThat(first.number(), is(1L));
      assertThat(first.line(), is(2L));
      CsvFileReader.Record second = r.next();
      assertThat(second.values(), equalTo(List.of("2", "plain", "two\r\nlines")));
      assertThat(second.number(), is(2L));
      CsvFileReader.Record third = r.next();
      assertThat(third.values(), equalTo(List.of("3", "", "")));
      assertThat(third.line(), is(6L));
      assertThat(r.next(), nullValue());
    }
  }

  @Test
  void trailingCommaLoneCrAndLfAndLiteralQuoteInsideAField() throws IOException {
    try (CsvFileReader r = read("a,b\n1,\r2,x\"y\n")) {
      assertThat(r.next().values(), equalTo(List.of("1", "")));
      assertThat(r.next().values(), equalTo(List.of("2", "x\"y")));
      assertThat(r.next(), nullValue());
    }
  }

  @Test
  void anUnclosedQuoteOrTextAfterAClosingQuoteIsOneMalformedRecordAndReadingResumesOnTheNextLine() throws IOException {
    try (CsvFileReader r = read("a,b\n1,2\n3,\"open\n4,5\n")) {
      assertThat(r.next().values(), equalTo(List.of("1", "2")));
      CsvFileReader.Record bad = r.next();
      assertThat(bad.malformed(), containsString("EOF"));
      assertThat(bad.number(), is(2L));
      assertThat(bad.originalText(), is("3,\"open"));
      CsvFileReader.Record after = r.next();
      assertThat(after.values(), equalTo(List.of("4", "5")));
      assertThat(after.number(), is(3L));
      assertThat(after.line(), is(4L));
      assertThat(r.next(), nullValue());
    }
    try (CsvFileReader r = read("a,b\n\"x\"y,2\n3,4")) {
      CsvFileReader.Record bad = r.next();
      assertThat(bad.malformed(), containsString("invalid char"));
      assertThat(bad.originalText(), is("\"x\"y,2"));
      assertThat(r.next().values(), equalTo(List.of("3", "4")));
    }
  }

  @Test
  void invalidUtf8IsFlagged() throws IOException {
    byte[] bytes = {'a', '\n', 'x', (byte) 0xff, 'y', '\n'};
    try (CsvFileReader r = CsvFileReader.open(new ByteArrayInputStream(bytes))) {
      assertThat(r.next().badEncoding(), is(true));
    }
  }

  @Test
  void longFieldsAcrossBufferRefillsAndTheOriginalTextRoundTrips() throws IOException {
    String big = "x".repeat(200_000);
    StringBuilder text = new StringBuilder("a,b\n");
    List<List<String>> expected = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      text.append(i).append(",\"").append(i % 7 == 0 ? big : "v,\"\"" + i).append("\"\n");
      expected.add(List.of(String.valueOf(i), i % 7 == 0 ? big : "v,\"" + i));
    }
    List<List<String>> got = new ArrayList<>();
    try (CsvFileReader r = read(text.toString())) {
      for (CsvFileReader.Record rec = r.next(); rec != null; rec = r.next()) {
        got.add(rec.values());
        if (rec.number() == 2) {
          assertThat(rec.originalText(), is("1,\"v,\"\"1\""));
        }
      }
    }
    assertThat(got, equalTo(expected));
  }

  private static CsvFileReader read(String text) throws IOException {
    return CsvFileReader.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }
}
