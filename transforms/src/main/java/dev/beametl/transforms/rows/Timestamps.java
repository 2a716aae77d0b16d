package dev.beametl.transforms.rows;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** The one text form of a timestamp that records carry, CSV columns and ride status times alike. */
public final class Timestamps {
  /**
   * {@code yyyy-MM-dd HH:mm:ss}, then an optional fraction of 1 to 9 digits. Strict: a date that
   * does not exist (30 February) is an error, not the nearest one.
   */
  public static final DateTimeFormatter SECONDS_AND_FRACTION =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private Timestamps() {}
}
