package dev.beametl.transforms.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link CsvRowParser#parseDecimal}'s plain-decimal path gives exactly {@link Double#parseDouble}'s bits. */
class ParseDecimalTest {
  @Test
  void edgeCasesHaveParseDoublesBits() {
    for (String s :
        List.of("0", "-0", "+0", "0.0", "-0.0", ".5", "5.", "-.5", "+.5", "007.50", "12.34", "-12.34", "0.1", "0.3",
            "999999999999999", "99999999999999.9", "0.000000000000001", "9007199254740993", "1234567890123456",
            "0.30000000000000004", "1e3", "-1.5E-3", "0000000000000001.5", "123456.789012345")) {
      assertSameBits(s);
    }
  }

  @Test
  void randomDecimalsHaveParseDoublesBits() {
    SplittableRandom random = new SplittableRandom(13);
    for (int n = 0; n < 500_000; n++) {
      StringBuilder s = new StringBuilder();
      int sign = random.nextInt(6);
      if (sign == 0) {
        s.append('-');
      } else if (sign == 1) {
        s.append('+');
      }
      appendDigits(s, random, random.nextInt(12));
      if (random.nextInt(4) != 0) {
        s.append('.');
        appendDigits(s, random, random.nextInt(12));
      }
      if (s.chars().anyMatch(Character::isDigit)) {
        assertSameBits(s.toString());
      }
    }
  }

  @Test
  void textThatIsNoNumberIsStillRefused() {
    for (String s : List.of("", ".", "-", "+", "1.2.3", "--1", "1-", "NaN", "Infinity", "1d", "0x10", "1,5", " 1")) {
      assertThrows(NumberFormatException.class, () -> CsvRowParser.parseDecimal(s), s);
    }
  }

  private static void appendDigits(StringBuilder s, SplittableRandom random, int count) {
    // Runs of zeros and nines too: they sit next to rounding boundaries.
    int style = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      s.append(style == 0 ? '0' : style == 1 ? '9' : (char) ('0' + random.nextInt(10)));
      if (random.nextInt(5) == 0) {
        style = random.nextInt(4);
      }
    }
  }

  private static void assertSameBits(String s) {
    assertThat(s, Double.doubleToRawLongBits(CsvRowParser.parseDecimal(s)), is(Double.doubleToRawLongBits(Double.parseDouble(s))));
  }
}
