package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record with broken quoting costs that record only: every physical line is a record or a malformed record's text. */
class CsvFileReaderRecoveryTest {
  @TempDir Path tmp;

  private List<CsvFileReader.Record> readFile(String name, String text) throws IOException {
    Path file = Files.writeString(tmp.resolve(name), text);
    try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(file.toString()))) {
      return CsvFileReaderTest.records(reader);
    }
  }

  @Test
  void anUnclosedQuoteEarlyInALargeFileRejectsOnlyItsRecord() throws IOException {
    String broken = "2,1000.25,36 months,7.99,Teacher 2,\"d oops,debt_consolidation,700";
    // Later records have quotes, so the open quote "closes" far away, after the reader's buffer moved on.
    List<CsvFileReader.Record> records = readFile("loans.csv", LoanLikeCsv.file(1002, Map.of(2L, broken)));

    assertThat(records.size(), is(1002));
    CsvFileReader.Record bad = records.get(1);
    assertThat(bad.number(), is(2L));
    assertThat(bad.line(), is(3L));
    assertThat(bad.malformed(), containsString("line"));
    assertThat(bad.originalText(), is(broken));
    long line = 2;
    for (CsvFileReader.Record r : records) {
      assertThat(r.number(), is(r == bad ? 2L : Long.parseLong(r.values().get(0))));
      assertThat(r.line(), is(line));
      if (r != bad) {
        assertThat(r.values(), equalTo(LoanLikeCsv.fields(r.number())));
      }
      line += r != bad && r.number() % 7 == 0 ? 2 : 1;
    }
  }

  @Test
  void anUnclosedQuoteInAFileWithNoOtherQuoteRunsToTheEndAndStillResumes() throws IOException {
    StringBuilder text = new StringBuilder("id,note\n1,a\n2,\"d oops\n");
    for (int i = 3; i <= 20_000; i++) {
      text.append(i).append(",n").append(i).append('\n');
    }
    List<CsvFileReader.Record> records = readFile("plain.csv", text.toString());
    assertThat(records.size(), is(20_000));
    assertThat(records.get(1).malformed(), containsString("EOF"));
    assertThat(records.get(1).originalText(), is("2,\"d oops"));
    assertThat(records.get(19_999).values(), contains("20000", "n20000"));
    assertThat(records.get(19_999).line(), is(20_001L));
  }

  @Test
  void anUnclosedQuoteAtTheEndOfTheFile() throws IOException {
    for (String end : List.of("3,\"never closed", "3,\"never closed\n", "3,\"never closed\r\n")) {
      List<CsvFileReader.Record> records = readFile("eof.csv", "id,note\r\n1,a\r\n2,b\r\n" + end);
      assertThat(records.size(), is(3));
      assertThat(records.get(2).malformed(), containsString("EOF"));
      assertThat(records.get(2).originalText(), is("3,\"never closed"));
      assertThat(records.get(2).line(), is(4L));
    }
  }

  @Test
  void textAfterAClosingQuoteOnALaterLineResumesAfterTheRecordsFirstLine() throws IOException {
    List<CsvFileReader.Record> records = readFile("later.csv", "id,note\n1,\"abc\ndef\"g\n3,4\n");
    assertThat(records.get(0).malformed(), containsString("invalid char"));
    assertThat(records.get(0).originalText(), is("1,\"abc"));
    assertThat("the second physical line is read as a record of its own", records.get(1).values(), contains("def\"g"));
    assertThat(records.get(1).line(), is(3L));
    assertThat(records.get(2).values(), contains("3", "4"));
    assertThat(records.get(2).number(), is(3L));
  }

  @Test
  void aHeaderWithBrokenQuotingBindsNoColumnButItsRecordsAreStillRead() throws IOException {
    Path file = Files.writeString(tmp.resolve("header.csv"), "id,\"note\n1,a\n2,b\n");
    try (CsvFileReader reader = CsvFileReader.open(FileByteSource.of(file.toString()))) {
      assertThat(reader.header(), empty());
      List<String> ids = new ArrayList<>();
      CsvFileReaderTest.records(reader).forEach(r -> ids.add(r.values().get(0)));
      assertThat(ids, contains("1", "2"));
    }
  }

  @Test
  void aStreamRecoversWhileTheRecordIsStillBuffered() throws IOException {
    try (CsvFileReader reader = CsvFileReader.open(new java.io.ByteArrayInputStream("a\n\"x\"y\n2\n".getBytes()))) {
      assertThat(reader.next().malformed(), containsString("invalid char"));
      assertThat(reader.next().values(), contains("2"));
      assertThat(reader.next(), nullValue());
    }
  }
}
