package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.transforms.rows.Timestamps;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link CsvRowParser#parseDateTimeMillis}'s hand-counted path for {@code yyyy-MM-dd HH:mm:ss}
 * gives what the strict formatter gives, and refuses what it refuses.
 */
class ParseDateTimeTest {
  @Test
  void randomTimestampsOfEveryYearMatchTheFormatter() {
    SplittableRandom random = new SplittableRandom(17);
    for (int n = 0; n < 500_000; n++) {
      String s =
          String.format(
              "%04d-%02d-%02d %02d:%02d:%02d",
              random.nextInt(10_000), 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60));
      assertThat(s, CsvRowParser.parseDateTimeMillis(s), is(formatter(s)));
    }
  }

  @Test
  void everyDayOfEveryMonthIsAcceptedOrRefusedAsTheFormatterDoes() {
    for (int year : List.of(0, 1, 4, 100, 400, 1900, 1970, 1999, 2000, 2019, 2020, 2100, 2400, 9999)) {
      for (int month = 0; month <= 13; month++) {
        for (int day = 0; day <= 32; day++) {
          String s = String.format("%04d-%02d-%02d 23:59:59", year, month, day);
          Long expected;
          try {
            expected = formatter(s);
          } catch (DateTimeException e) {
            expected = null;
          }
          if (expected == null) {
            assertThrows(DateTimeException.class, () -> CsvRowParser.parseDateTimeMillis(s), s);
          } else {
            assertThat(s, CsvRowParser.parseDateTimeMillis(s), is(expected));
          }
        }
      }
    }
  }

  @Test
  void badTimesAndTextAreRefused() {
    for (String s :
        List.of("2020-01-01 24:00:00", "2020-01-01 23:60:00", "2020-01-01 23:59:60", "2020-1a-01 00:00:00", "2020-01-01T00:00:00",
            "2020-01-01 00:00:0", "+020-01-01 00:00:00", "2020-01-01 0-:00:00")) {
      assertThrows(DateTimeException.class, () -> CsvRowParser.parseDateTimeMillis(s), s);
    }
  }

  @Test
  void fractionsStillGoThroughTheFormatter() {
    assertThat(CsvRowParser.parseDateTimeMillis("2020-06-01 00:00:01.250"), is(formatter("2020-06-01 00:00:01.250")));
  }

  private static long formatter(String s) {
    return LocalDateTime.parse(s, Timestamps.SECONDS_AND_FRACTION).toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
