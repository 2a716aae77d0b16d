package dev.beametl.transforms.aggregate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;

/**
 * A sum of doubles that does not depend on the order they are added in: every double is an
 * integer multiple of 2^-1074, so the sum is kept exactly as a big fixed-point integer (32-bit
 * digits in longs, so an add touches three words and carries wait) and rounded once, correctly, at
 * the end. A runner is free to add and merge in any order (bundles differ between the DirectRunner
 * and Spark), and the result is still the same double: the closest one to the true sum.
 *
 * <p>NaN and infinities are kept apart and win, as in plain addition; a true sum beyond the double
 * range comes out infinite.
 */
public final class ExactSum {
  /** Bit 0 of word 0 is 2^-1074; the largest double's top bit is bit 2097; two words of headroom. */
  private static final int WORDS = 68;
  private static final long DIGIT = 0xFFFFFFFFL;
  /** Each add changes a word by less than 2^33: normalise long before a word could overflow. */
  private static final long ADDS_BEFORE_CARRY = 1L << 29;

  private final long[] words = new long[WORDS];
  private long pendingAdds;
  /** Sum of the non-finite inputs (0 when there were none). */
  private double special;
  private boolean empty = true;

  public void add(double x) {
    empty = false;
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) (bits >>> 52) & 0x7ff;
    if (exponent == 0x7ff) {
      special += x;
      return;
    }
    long mantissa = bits & 0xFFFFFFFFFFFFFL;
    int position;
    if (exponent == 0) {
      if (mantissa == 0) {
        return;
      }
      position = 0;
    } else {
      mantissa |= 1L << 52;
      position = exponent - 1;
    }
    int w = position >>> 5;
    int shift = position & 31;
    long lo = (mantissa << shift) & DIGIT;
    long mid = (mantissa >>> (32 - shift)) & DIGIT;
    long hi = shift == 0 ? 0 : mantissa >>> (64 - shift);
    if (bits < 0) {
      words[w] -= lo;
      words[w + 1] -= mid;
      words[w + 2] -= hi;
    } else {
      words[w] += lo;
      words[w + 1] += mid;
      words[w + 2] += hi;
    }
    if (++pendingAdds == ADDS_BEFORE_CARRY) {
      carry();
    }
  }

  public void merge(ExactSum other) {
    if (other.empty) {
      return;
    }
    empty = false;
    special += other.special;
    carry();
    other.carry();
    for (int i = 0; i < WORDS; i++) {
      words[i] += other.words[i];
    }
    carry();
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
    carry();
    BigInteger exact = BigInteger.ZERO;
    for (int i = WORDS - 1; i >= 0; i--) {
      exact = exact.shiftLeft(32).add(BigInteger.valueOf(words[i]));
    }
    BigInteger magnitude = exact.abs();
    int length = magnitude.bitLength();
    double d;
    if (length <= 63) {
      d = magnitude.longValue();
      d = Math.scalb(d, -1074);
    } else {
      // The top 63 bits, plus a sticky bit for anything below them: one correct rounding to 53 bits.
      int drop = length - 63;
      long top = magnitude.shiftRight(drop).longValue();
      if (magnitude.getLowestSetBit() < drop) {
        top |= 1;
      }
      d = Math.scalb((double) top, drop - 1074);
    }
    return exact.signum() < 0 ? -d : d;
  }

  /** Propagates carries: every word but the last back to one 32-bit digit. */
  private void carry() {
    if (pendingAdds == 0) {
      return;
    }
    for (int i = 0; i < WORDS - 1; i++) {
      long c = words[i] >> 32;
      words[i] -= c << 32;
      words[i + 1] += c;
    }
    pendingAdds = 0;
  }

  void encode(DataOutputStream out) throws IOException {
    carry();
    out.writeBoolean(empty);
    out.writeDouble(special);
    int first = 0;
    while (first < WORDS && words[first] == 0) {
      first++;
    }
    int last = WORDS - 1;
    while (last >= first && words[last] == 0) {
      last--;
    }
    out.writeByte(first);
    out.writeByte(last - first + 1);
    for (int i = first; i <= last; i++) {
      out.writeLong(words[i]);
    }
  }

  static ExactSum decode(DataInputStream in) throws IOException {
    ExactSum sum = new ExactSum();
    sum.empty = in.readBoolean();
    sum.special = in.readDouble();
    int first = in.readByte();
    int n = in.readByte();
    for (int i = 0; i < n; i++) {
      sum.words[first + i] = in.readLong();
    }
    // Not normalised by construction as far as the reader knows: carry before the next use.
    sum.pendingAdds = n == 0 ? 0 : 1;
    return sum;
  }
}
