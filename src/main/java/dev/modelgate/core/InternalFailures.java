package dev.modelgate.core;

import java.lang.System.Logger.Level;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns an exception nobody foresaw into an {@link Reason#INTERNAL_ERROR} failure. The user sees
 * where it happened and an incident id; the stack trace goes to the log under the same id, so the
 * answer never carries library internals and the operator can still find them.
 */
public final class InternalFailures {
  private static final System.Logger LOG = System.getLogger("dev.modelgate.internal");

  private InternalFailures() {}

  /** Logs {@code e} with its stack trace and returns the failure that denies in its place. */
  public static Failure of(String where, Throwable e) {
    String incident = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    LOG.log(Level.ERROR, "internal error " + incident + " in " + where, e);
    return Failure.of(
        Reason.INTERNAL_ERROR,
        "internal error in %s (incident %s; the details are in ModelGate's log); denied, whatever onError says",
        where,
        incident);
  }
}
