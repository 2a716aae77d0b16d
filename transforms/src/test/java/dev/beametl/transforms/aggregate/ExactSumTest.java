package dev.beametl.transforms.aggregate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

  @Test
  void theSumDoesNotDependOnOrderOrOnHowPartsAreMerged() {
    Random random = new Random(42);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      values.add(Math.round(random.nextDouble() * 10_000) / 100.0 * (random.nextInt(10) == 0 ? -1 : 1));
    }
    values.add(1e16);
    values.add(-1e16);
    double expected = new BigDecimal(exactTotal(values).toString()).round(MathContext.DECIMAL64).doubleValue();

    for (int attempt = 0; attempt < 5; attempt++) {
      Collections.shuffle(values, random);
      ExactSum left = new ExactSum();
      ExactSum right = new ExactSum();
      for (int i = 0; i < values.size(); i++) {
        (i < attempt * 1000 ? left : right).add(values.get(i));
      }
      right.merge(left);
      assertThat(right.value(), is(correctlyRounded(values)));
    }
    assertThat(Math.abs(correctlyRounded(values) - expected) <= Math.ulp(expected), is(true));
  }

  @Test
  void tenthsAddUpAsWrittenWherePlainAdditionDrifts() {
    ExactSum sum = new ExactSum();
    double naive = 0;
    for (int i = 0; i < 10; i++) {
      sum.add(0.1);
      naive += 0.1;
    }
    assertThat(naive == 1.0, is(false));
    assertThat(sum.value(), is(1.0));
  }

  @Test
  void extremesCancelAndTinyValuesSurvive() {
    List<Double> values = new ArrayList<>(List.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 3 * Double.MIN_VALUE, -1e-300, 1e300, -1e300, 1e-300, -0.0, 123.456));
    Random random = new Random(7);
    for (int attempt = 0; attempt < 5; attempt++) {
      Collections.shuffle(values, random);
      ExactSum sum = new ExactSum();
      values.forEach(sum::add);
      assertThat(sum.value(), is(correctlyRounded(values)));
    }
    ExactSum negative = new ExactSum();
    negative.add(-2.5);
    negative.add(0.25);
    assertThat(negative.value(), is(-2.25));
    ExactSum overflow = new ExactSum();
    overflow.add(Double.MAX_VALUE);
    overflow.add(Double.MAX_VALUE);
    assertThat(overflow.value(), is(Double.POSITIVE_INFINITY));
  }

  @Test
  void emptyAndSpecialValues() {
    ExactSum empty = new ExactSum();
    assertThat(empty.isEmpty(), is(true));
    assertThat(empty.value(), is(0.0));
    ExactSum inf = new ExactSum();
    inf.add(1.5);
    inf.add(Double.POSITIVE_INFINITY);
    assertThat(inf.value(), is(Double.POSITIVE_INFINITY));
    inf.add(Double.NEGATIVE_INFINITY);
    assertThat(Double.isNaN(inf.value()), is(true));
  }

  private static BigDecimal exactTotal(List<Double> values) {
    BigDecimal total = BigDecimal.ZERO;
    for (double v : values) {
      total = total.add(new BigDecimal(v));
    }
    return total;
  }

  /** The exact sum of the binary values, rounded once to the nearest double. */
  private static double correctlyRounded(List<Double> values) {
    return exactTotal(values).doubleValue();
  }
}
