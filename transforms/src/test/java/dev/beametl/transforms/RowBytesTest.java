package dev.beametl.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class RowBytesTest {
  static final Schema FLAT =
      Schema.builder()
          .addNullableInt16Field("small")
          .addNullableInt32Field("whole")
          .addNullableInt64Field("big")
          .addNullableFloatField("single")
          .addNullableDoubleField("amount")
          .addNullableBooleanField("flag")
          .addNullableStringField("note")
          .addNullableByteArrayField("raw")
          .addNullableDateTimeField("at")
          .addStringField("file")
          .build();

  @Test
  void decodesTheValuesItEncoded() throws Exception {
    RowBytes bytes = RowBytes.of(RowCoder.of(FLAT));
    assertThat(bytes, notNullValue());
    List<Row> rows = new ArrayList<>();
    rows.add(Row.withSchema(FLAT).addValues((short) -7, Integer.MIN_VALUE, Long.MAX_VALUE, Float.NaN, -0.0, true, "é, \"q\"\n😀", new byte[] {0, -1},
        new Instant(-1), "a.csv").build());
    rows.add(Row.withSchema(FLAT).addValues(null, null, null, null, null, null, null, null, null, "").build());
    rows.add(Row.withSchema(FLAT).addValues((short) 0, 0, 0L, 1.5f, 15823.99905, false, "", new byte[0], new Instant(1_700_000_000_123L), "b").build());
    Random random = new Random(13);
    for (int i = 0; i < 1_000; i++) {
      rows.add(Row.withSchema(FLAT).addValues(random.nextBoolean() ? null : (short) random.nextInt(), random.nextInt(), random.nextLong(),
          random.nextFloat(), random.nextDouble() * 1e6, random.nextBoolean(), random.nextBoolean() ? null : Long.toString(random.nextLong(), 36),
          null, new Instant(random.nextLong() >> 20), "f" + i).build());
    }
    for (Row row : rows) {
      Row decoded = bytes.decode(bytes.encode((byte) 1, row));
      assertThat(decoded, is(row));
      assertThat("as RowCoder gives it back", decoded, is(CoderUtils.clone(RowCoder.of(FLAT), row)));
    }
  }

  @Test
  void onlyForRowsOfAFlatSchema() {
    assertThat(RowBytes.of(RowCoder.of(Schema.builder().addArrayField("list", Schema.FieldType.STRING).build())), nullValue());
    assertThat(RowBytes.of(RowCoder.of(Schema.builder().addDecimalField("exact").build())), nullValue());
    assertThat(RowBytes.of(StringUtf8Coder.of()), nullValue());
  }
}
