package dev.beametl.transforms.report;

import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Removes credentials from text that leaves the process (error messages, the run report, log
 * lines): drivers and SDKs quote whole URLs in their exceptions, passwords included.
 */
public final class Credentials {
  public static final String MASK = "***";

  /** {@code password=...}, {@code pwd=...} and the like, as URL, JDBC or connection-string parameters. */
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)\\b(password|passwd|pwd|secret|secretkey|secret_key|token)(\\s*[=:]\\s*)([^&;,\\s'\"()\\[\\]{}]+)");
  /** {@code scheme://user:secret@host}. */
  private static final Pattern URL_USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.\\-]*://)([^/@\\s:]*):([^@/\\s]+)@");

  private Credentials() {}

  public static @Nullable String scrub(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String scrubbed = SECRET_PARAMETER.matcher(text).replaceAll("$1$2" + MASK);
    return URL_USER_INFO.matcher(scrubbed).replaceAll("$1$2:" + MASK + "@");
  }
}
