package dev.modelgate.report;

import java.util.Collection;

/**
 * The {@code summary} of a report: how many results have each outcome. Always derived from the
 * results ({@link #of}); a report whose summary disagrees with its results cannot be built.
 */
public record PolicyReportSummary(int pass, int fail, int warn, int error, int skip) {
  public PolicyReportSummary {
    if (pass < 0 || fail < 0 || warn < 0 || error < 0 || skip < 0) {
      throw new IllegalArgumentException(
          "summary counts cannot be negative: " + describe(pass, fail, warn, error, skip));
    }
  }

  public static PolicyReportSummary of(Collection<PolicyReportResult> results) {
    int[] n = new int[PolicyResult.values().length];
    for (PolicyReportResult r : results) {
      n[r.result().ordinal()]++;
    }
    return new PolicyReportSummary(
        n[PolicyResult.PASS.ordinal()],
        n[PolicyResult.FAIL.ordinal()],
        n[PolicyResult.WARN.ordinal()],
        n[PolicyResult.ERROR.ordinal()],
        n[PolicyResult.SKIP.ordinal()]);
  }

  public int count(PolicyResult result) {
    switch (result) {
      case PASS:
        return pass;
      case FAIL:
        return fail;
      case WARN:
        return warn;
      case ERROR:
        return error;
      case SKIP:
        return skip;
      default:
        throw new IllegalArgumentException("no count for " + result);
    }
  }

  @Override
  public String toString() {
    return describe(pass, fail, warn, error, skip);
  }

  private static String describe(int pass, int fail, int warn, int error, int skip) {
    return "pass=" + pass + " fail=" + fail + " warn=" + warn + " error=" + error + " skip=" + skip;
  }
}
