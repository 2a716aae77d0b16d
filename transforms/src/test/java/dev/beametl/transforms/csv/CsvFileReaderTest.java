package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvFileReaderTest {

  static List<CsvFileReader.Record> records(CsvFileReader reader) {
    List<CsvFileReader.Record> all = new ArrayList<>();
    for (CsvFileReader.Record r = reader.next(); r != null; r = reader.next()) {
      all.add(r);
    }
    return all;
  }

  static CsvFileReader open(byte[] bytes) throws IOException {
    return CsvFileReader.open(new ByteArrayInputStream(bytes));
  }

  static CsvFileReader open(String text) throws IOException {
    return open(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bomCrlfAndNoFinalNewline() throws IOException {
    try (CsvFileReader reader = open("\uFEFFid,name\r\n1,a\r\n2,b")) {
      assertThat(reader.header(), contains("id", "name"));
      List<CsvFileReader.Record> records = records(reader);
      assertThat(records.size(), is(2));
      assertThat(records.get(0).values(), contains("1", "a"));
      assertThat(records.get(1).values(), contains("2", "b"));
      assertThat(records.get(1).number(), is(2L));
      assertThat(records.get(1).line(), is(3L));
    }
  }

  @Test
  void quotedCommasDoubledQuotesAndLineBreaks() throws IOException {
    try (CsvFileReader reader = open("id,desc,n\n1,\"a, \"\"quoted\"\"\nsecond line\",x\n2,plain,y\n")) {
      List<CsvFileReader.Record> records = records(reader);
      assertThat(records.get(0).values(), contains("1", "a, \"quoted\"\nsecond line", "x"));
      assertThat(records.get(1).values(), contains("2", "plain", "y"));
      assertThat("the second record starts after the embedded line break", records.get(1).line(), is(4L));
      assertThat(records.get(0).originalText(), is("1,\"a, \"\"quoted\"\"\nsecond line\",x"));
    }
  }

  @Test
  void emptyFileHasNoHeaderAndNoRecords() throws IOException {
    try (CsvFileReader reader = open("")) {
      assertThat(reader.header(), empty());
      assertThat(reader.next(), nullValue());
    }
  }

  @Test
  void headerOnlyFileHasNoRecords() throws IOException {
    try (CsvFileReader reader = open("id,name\r\n")) {
      assertThat(reader.header(), contains("id", "name"));
      assertThat(reader.next(), nullValue());
    }
  }

  @Test
  void blankLinesAreSkipped() throws IOException {
    try (CsvFileReader reader = open("id\n1\n\n2\n")) {
      assertThat(records(reader).size(), is(2));
    }
  }

  @Test
  void bytesThatAreNotUtf8FlagTheRecord() throws IOException {
    byte[] latin1 = "id,name\n1,ok\n2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    try (CsvFileReader reader = open(latin1)) {
      List<CsvFileReader.Record> records = records(reader);
      assertThat(records.get(0).badEncoding(), is(false));
      assertThat(records.get(1).badEncoding(), is(true));
    }
  }

  @Test
  void anUnclosedQuoteCostsOnlyItsOwnRecord() throws IOException {
    try (CsvFileReader reader = open("id,name\n1,a\n2,\"never closed\n3,c\n")) {
      List<CsvFileReader.Record> records = records(reader);
      assertThat(records.size(), is(3));
      assertThat(records.get(0).malformed(), nullValue());
      assertThat(records.get(1).malformed(), notNullValue());
      assertThat(records.get(1).number(), is(2L));
      assertThat(records.get(1).originalText(), is("2,\"never closed"));
      assertThat(records.get(2).values(), contains("3", "c"));
      assertThat(records.get(2).number(), is(3L));
      assertThat(records.get(2).line(), is(4L));
    }
  }
}
