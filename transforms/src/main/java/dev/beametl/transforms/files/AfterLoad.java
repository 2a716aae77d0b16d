package dev.beametl.transforms.files;

import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What happens to a run's input files once its output is durably written. Acted on only after the
 * whole run succeeded; a failed run leaves every input in place.
 */
public enum AfterLoad {
  KEEP,
  ARCHIVE,
  DELETE;

  /** Why this cannot be done with {@code archiveTo} as the archive (archiving needs one); empty when it can. */
  public Optional<String> problemWith(@Nullable String archiveTo) {
    if (this == ARCHIVE && (archiveTo == null || archiveTo.isBlank())) {
      return Optional.of("--afterLoad=archive needs --archiveTo=<prefix>, where the inputs are moved once the output is written");
    }
    return Optional.empty();
  }
}
