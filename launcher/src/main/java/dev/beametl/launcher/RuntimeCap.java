package dev.beametl.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The runtime cap of an EMR step. EMR has no step timeout, and its idle auto-termination never
 * fires while a step runs, so a hung run would keep its cluster (and the bill) alive. The step
 * therefore runs its command under coreutils {@code timeout} (on every EMR node's PATH): at the cap
 * the command gets SIGTERM, then SIGKILL if it is still there after a grace period. The step then
 * fails (exit 124, or 137 after the kill), and its {@code ActionOnFailure=TERMINATE_CLUSTER} ends
 * the cluster, with the YARN application still running on it.
 */
final class RuntimeCap {
  /** Long enough for spark-submit's shutdown hooks to finish after SIGTERM. */
  static final int KILL_AFTER_SECONDS = 60;

  private RuntimeCap() {}

  /** {@code command}, stopped after {@code capSeconds}; {@code --verbose} puts the reason in the step's stderr. */
  static List<String> wrap(List<String> command, long capSeconds, long killAfterSeconds) {
    List<String> wrapped = new ArrayList<>(List.of(
        "timeout", "--verbose", "--signal=TERM", "--kill-after=" + killAfterSeconds + "s", capSeconds + "s"));
    wrapped.addAll(command);
    return wrapped;
  }
}
