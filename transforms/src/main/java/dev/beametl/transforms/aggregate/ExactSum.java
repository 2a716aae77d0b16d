package dev.beametl.transforms.aggregate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * A sum of doubles that does not depend on the order they are added in: the exact sum is kept as
 * non-overlapping partials (Shewchuk's algorithm) and rounded once, correctly, at the end. A runner
 * is free to add and merge in any order (bundles differ between the DirectRunner and Spark), and
 * the result is still the same double, and the closest double to the true sum.
 *
 * <p>NaN and infinities are kept apart and win, as in plain addition. A true sum beyond the double
 * range comes out infinite.
 */
public final class ExactSum {
  /** Non-overlapping, increasing in magnitude; their exact total is the sum. */
  private double[] partials = new double[4];
  private int size;
  /** Sum of the non-finite inputs (0 when there were none). */
  private double special;
  private boolean empty = true;

  public void add(double x) {
    empty = false;
    if (!Double.isFinite(x)) {
      special += x;
      return;
    }
    int kept = 0;
    for (int j = 0; j < size; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[kept++] = lo;
      }
      x = hi;
    }
    if (!Double.isFinite(x)) {
      // The partial sum left the double range: the exact value is no longer representable.
      special += x;
      size = 0;
      return;
    }
    if (kept == partials.length) {
      partials = Arrays.copyOf(partials, kept * 2);
    }
    partials[kept++] = x;
    size = kept;
  }

  public void merge(ExactSum other) {
    if (other.empty) {
      return;
    }
    empty = false;
    special += other.special;
    for (int j = 0; j < other.size; j++) {
      add(other.partials[j]);
    }
  }

  /** True when nothing was added: SQL's SUM of no values is null, not 0. */
  public boolean isEmpty() {
    return empty;
  }

  /** The exact sum, correctly rounded to a double. */
  public double value() {
    if (special != 0.0) { // also true for NaN
      return special;
    }
    int n = size;
    if (n == 0) {
      return 0.0;
    }
    double hi = partials[--n];
    double lo = 0.0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0.0) {
        break;
      }
    }
    // Round half-even on the exact value: the rest of the partials tell on which side of the tie it is.
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      if (y == x - hi) {
        hi = x;
      }
    }
    return hi;
  }

  void encode(DataOutputStream out) throws IOException {
    out.writeBoolean(empty);
    out.writeDouble(special);
    out.writeInt(size);
    for (int j = 0; j < size; j++) {
      out.writeDouble(partials[j]);
    }
  }

  static ExactSum decode(DataInputStream in) throws IOException {
    ExactSum sum = new ExactSum();
    sum.empty = in.readBoolean();
    sum.special = in.readDouble();
    int n = in.readInt();
    sum.partials = new double[Math.max(4, n)];
    for (int j = 0; j < n; j++) {
      sum.partials[j] = in.readDouble();
    }
    sum.size = n;
    return sum;
  }
}
