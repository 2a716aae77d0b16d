package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvColumnTypesTest {
  @TempDir Path tmp;

  @Test
  void countsIntegersAndNumbersAcrossFilesUpToTheLimit() throws Exception {
    Path empty = write("0-empty.csv", "");
    Path first = write("1.csv", "\uFEFFid,zip,amount,name,blank\r\n1,01234,2.5,ann,\r\n2,10001,3,bob,\r\n3,x,y,z\r\n-4,02139,abc,cy,");
    // Columns in another order and case; the ragged record above and the last record below are not counted.
    Path second = write("2.csv", "NAME,Amount,ID,zip,blank\ndee,1e3,5,99501,\neve,7,6,99502,\n");

    CsvColumnTypes.Sample sample = CsvColumnTypes.sample(List.of(empty.toString(), first.toString(), second.toString()), 4);

    assertThat(sample.file(), is(first.toString()));
    assertThat(sample.header(), contains("id", "zip", "amount", "name", "blank"));
    assertThat(sample.records(), is(4L));
    assertThat(sample.columns().get("id"), is(new CsvColumnTypes.Column(4, 4, 4)));
    assertThat(sample.columns().get("id").narrowest(), is(TypeName.INT64));
    assertThat(sample.columns().get("zip"), is(new CsvColumnTypes.Column(4, 2, 4)));
    assertThat(sample.columns().get("zip").narrowest(), is(TypeName.DOUBLE));
    assertThat(sample.columns().get("amount"), is(new CsvColumnTypes.Column(4, 1, 3)));
    assertThat(sample.columns().get("amount").mostlyNumbers(), is(true));
    assertThat(sample.columns().get("name").narrowest(), is(TypeName.STRING));
    assertThat(sample.columns().get("blank").narrowest(), is(nullValue()));
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
  }

  @Test
  void aNumberOutOfRangeDoesNotCountAsANumber() throws Exception {
    Path file = write("range.csv", "a,b\n1e309,1\n-1e-400,2\n");
    CsvColumnTypes.Sample sample = CsvColumnTypes.sample(List.of(file.toString()), 10);
    assertThat(sample.columns().get("a"), is(new CsvColumnTypes.Column(2, 0, 0)));
    assertThat(sample.columns().get("a").narrowest(), is(TypeName.STRING));
  }
}
