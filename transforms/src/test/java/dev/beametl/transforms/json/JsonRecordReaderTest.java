package dev.beametl.transforms.json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.beametl.transforms.json.JsonRecordReader.Layout;
import dev.beametl.transforms.json.JsonRecordReader.Problem;
import dev.beametl.transforms.json.JsonRecordReader.Record;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRecordReaderTest {

  @Test
  void readsAnArrayElementByElement() throws IOException {
    String file = "[{\"a\": 1},\n {\"b\": [1, 2], \"c\": {\"d\": \"x]}\\\"\"}}\n]\n";
    assertThat(texts(file), contains("{\"a\": 1}", "{\"b\": [1, 2], \"c\": {\"d\": \"x]}\\\"\"}}"));
    assertThat(layout(file), is(Layout.ARRAY));
  }

  @Test
  void readsTheArrayUnderTheWrapperKeyInAnyCase() throws IOException {
    String file = "\uFEFF{\n  \"Travel_Data\" : [{\n    \"a\": 1\n  },\n  {\"b\": 2}]\n}\n";
    assertThat(layout(file), is(Layout.WRAPPED));
    List<Record> records = read(file);
    assertThat(records.get(0), is(new Record(1, 2, "{\n    \"a\": 1\n  }", null)));
    assertThat(records.get(1), is(new Record(2, 5, "{\"b\": 2}", null)));
    assertThat(records.size(), is(2));
  }

  @Test
  void readsJsonLinesSkippingBlankLines() throws IOException {
    String file = "{\"a\": 1}\r\n\r\n  {\"b\": 2}  \n{\"c\": [\n";
    assertThat(layout(file), is(Layout.LINES));
    List<Record> records = read(file);
    assertThat(records.get(0), is(new Record(1, 1, "{\"a\": 1}", null)));
    assertThat(records.get(1), is(new Record(2, 3, "{\"b\": 2}", null)));
    assertThat(records.get(2), is(new Record(3, 4, "{\"c\": [", null)));
  }

  @Test
  void anObjectWithAnotherFirstKeyIsAJsonLine() throws IOException {
    assertThat(layout("{\"Distance\": 1, \"travel_data\": []}\n"), is(Layout.LINES));
    assertThat(layout("{\"travel_data\": 5}\n"), is(Layout.LINES));
  }

  @Test
  void emptyInputsHaveNoRecords() throws IOException {
    assertThat(read(""), contains(new Record(0, 1, "", Problem.EMPTY)));
    assertThat(read(" \n\t\n"), contains(new Record(0, 1, "", Problem.EMPTY)));
    assertThat(read("[]"), is(empty()));
    assertThat(read("{\"travel_data\": [ ]}"), is(empty()));
  }

  @Test
  void aFileCutInsideARecordEndsWithThatRecordTruncated() throws IOException {
    List<Record> records = read("[{\"a\": 1}, {\"b\": \"x");
    assertThat(records.get(0), is(new Record(1, 1, "{\"a\": 1}", null)));
    assertThat(records.get(1), is(new Record(2, 1, "{\"b\": \"x", Problem.TRUNCATED)));
    assertThat(records.size(), is(2));
  }

  @Test
  void anArrayNeverClosedIsReportedAfterItsLastRecord() throws IOException {
    List<Record> records = read("[{\"a\": 1},\n{\"b\": 2}");
    assertThat(records.get(1), is(new Record(2, 2, "{\"b\": 2}", null)));
    assertThat(records.get(2), is(new Record(3, 2, "", Problem.TRUNCATED)));
    assertThat(records.size(), is(3));
  }

  @Test
  void contentAfterTheArrayIsReported() throws IOException {
    assertThat(read("[{\"a\": 1}]\n[{\"b\": 2}]").get(1), is(new Record(2, 2, "[{\"b\": 2}]", Problem.TRAILING_CONTENT)));
    assertThat(read("{\"travel_data\": [{\"a\": 1}], \"more\": 1}").get(1).problem(), is(Problem.TRAILING_CONTENT));
  }

  @Test
  void aMalformedElementDoesNotStopTheOnesAfterIt() throws IOException {
    assertThat(texts("[{\"a\": 1 2}, {\"b\": }, , {\"c\": 3},]"), contains("{\"a\": 1 2}", "{\"b\": }", "{\"c\": 3}"));
  }

  @Test
  void aRecordOverTheLimitKeepsOnlyItsStart() throws IOException {
    String big = "{\"a\": \"" + "x".repeat(100) + "\"}";
    List<Record> records = read("[" + big + ", {\"b\": 2}]", 50);
    assertThat(records.get(0).problem(), is(Problem.TOO_LONG));
    assertThat(records.get(0).text(), is(big.substring(0, 50)));
    assertThat(records.get(1), is(new Record(2, 1, "{\"b\": 2}", null)));
  }

  @Test
  void invalidUtf8IsFlagged() throws IOException {
    byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'};
    try (JsonRecordReader reader = JsonRecordReader.open(new ByteArrayInputStream(bytes), "travel_data")) {
      assertThat(reader.next().problem(), is(Problem.INVALID_ENCODING));
    }
  }

  @Test
  void recordsSpanningBufferBoundariesAreWhole() throws IOException {
    StringBuilder file = new StringBuilder("[");
    for (int i = 0; i < 20_000; i++) {
      file.append(i == 0 ? "" : ",\n").append("{\"n\": ").append(i).append(", \"s\": \"").append("y".repeat(i % 17)).append("\"}");
    }
    List<Record> records = read(file.append("]").toString());
    assertThat(records.size(), is(20_000));
    assertThat(records.get(12_345), is(new Record(12_346, 12_346, "{\"n\": 12345, \"s\": \"" + "y".repeat(12_345 % 17) + "\"}", null)));
  }

  @Test
  void aReaderResumedAtAnyPositionReadsTheSameRecordsAsOneThatReadOn() throws IOException {
    String lines = "{\"a\": \"\u00e9\"}\n\n{\"b\": 1 2}\r\n" + "{\"c\": \"" + "z".repeat(70_000) + "\"}\n{\"d\": 4}";
    String array = "\uFEFF[{\"a\": \"\u00e9\"},\n {\"b\": [1, ]}, ,\n{\"c\": \"" + "z".repeat(70_000) + "\"}, {\"d\": 4}";
    String wrapped = "{\"travel_data\": [{\"a\": 1}, {\"b\": 2}]} trailing";
    for (String file : List.of(lines, array, wrapped, "", "[]")) {
      byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
      List<Record> whole = read(file);
      List<JsonRecordReader.Position> positions = new ArrayList<>();
      try (JsonRecordReader reader = open(file, JsonRecordReader.DEFAULT_MAX_RECORD_BYTES)) {
        positions.add(reader.position());
        while (reader.next() != null) {
          positions.add(reader.position());
        }
        assertThat(reader.position().end(), is(true));
      }
      for (int i = 0; i < positions.size(); i++) {
        JsonRecordReader.Position at = positions.get(i);
        List<Record> rest = new ArrayList<>();
        ByteArrayInputStream tail = new ByteArrayInputStream(bytes, (int) at.offset(), bytes.length - (int) at.offset());
        try (JsonRecordReader reader = JsonRecordReader.resume(tail, at, JsonRecordReader.DEFAULT_MAX_RECORD_BYTES)) {
          for (Record r = reader.next(); r != null; r = reader.next()) {
            rest.add(r);
          }
        }
        assertThat("resumed after record " + i + " of " + file.substring(0, Math.min(20, file.length())), rest, is(whole.subList(i, whole.size())));
      }
    }
  }

  @Test
  void aLineFarLongerThanTheLimitIsOneRecordAndTheNextLineIsRead() throws IOException {
    // Longer than the limit many times over: only the limit is ever held.
    java.io.InputStream huge = new java.io.SequenceInputStream(
        new ByteArrayInputStream("{\"a\": \"".getBytes(StandardCharsets.UTF_8)),
        new java.io.SequenceInputStream(new RepeatedBytes((byte) 'x', 64L << 20), new ByteArrayInputStream("\"}\n{\"b\": 2}\n".getBytes(StandardCharsets.UTF_8))));
    try (JsonRecordReader reader = JsonRecordReader.open(huge, "travel_data", 1 << 16)) {
      Record first = reader.next();
      assertThat(first.problem(), is(Problem.TOO_LONG));
      assertThat(first.text().length(), is(4096));
      assertThat(reader.next(), is(new Record(2, 2, "{\"b\": 2}", null)));
      assertThat(reader.next(), is(nullValue()));
    }
  }

  /** {@code count} copies of one byte, produced as they are read. */
  private static final class RepeatedBytes extends java.io.InputStream {
    private final byte value;
    private long left;

    RepeatedBytes(byte value, long count) {
      this.value = value;
      this.left = count;
    }

    @Override
    public int read() {
      return left-- > 0 ? value : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, value);
      left -= n;
      return n;
    }
  }

  private static Layout layout(String file) throws IOException {
    try (JsonRecordReader reader = open(file, JsonRecordReader.DEFAULT_MAX_RECORD_BYTES)) {
      return reader.layout();
    }
  }

  private static List<String> texts(String file) throws IOException {
    return read(file).stream().map(Record::text).toList();
  }

  private static List<Record> read(String file) throws IOException {
    return read(file, JsonRecordReader.DEFAULT_MAX_RECORD_BYTES);
  }

  private static List<Record> read(String file, int maxChars) throws IOException {
    List<Record> records = new ArrayList<>();
    try (JsonRecordReader reader = open(file, maxChars)) {
      for (Record r = reader.next(); r != null; r = reader.next()) {
        records.add(r);
      }
    }
    return records;
  }

  private static JsonRecordReader open(String file, int maxChars) throws IOException {
    return JsonRecordReader.open(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), "travel_data", maxChars);
  }
}
