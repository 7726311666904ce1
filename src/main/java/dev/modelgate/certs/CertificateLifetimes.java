package dev.modelgate.certs;

import java.time.Duration;

/**
 * How long certificates live and how early they are replaced. A serving certificate is renewed
 * {@code servingRenewBefore} ahead of its expiry, a CA {@code authorityRenewBefore} ahead of its
 * own, which leaves that long for the overlap in which both CAs are trusted.
 */
public record CertificateLifetimes(
    Duration authority,
    Duration authorityRenewBefore,
    Duration serving,
    Duration servingRenewBefore) {
  /**
   * A CA for 5 years rotated 1 year early; serving certificates for 90 days renewed 30 days early.
   */
  public static final CertificateLifetimes DEFAULT =
      new CertificateLifetimes(
          Duration.ofDays(5 * 365), Duration.ofDays(365), Duration.ofDays(90), Duration.ofDays(30));

  public CertificateLifetimes {
    if (authority == null
        || authorityRenewBefore == null
        || serving == null
        || servingRenewBefore == null) {
      throw new IllegalArgumentException("every certificate lifetime must be given");
    }
    if (servingRenewBefore.isNegative()
        || servingRenewBefore.isZero()
        || servingRenewBefore.compareTo(serving) >= 0) {
      throw new IllegalArgumentException(
          "serving certificates must be renewed before they expire: renew-before "
              + servingRenewBefore
              + " is not within their lifetime "
              + serving);
    }
    if (authorityRenewBefore.isNegative()
        || authorityRenewBefore.isZero()
        || authorityRenewBefore.compareTo(authority) >= 0) {
      throw new IllegalArgumentException(
          "the CA must be rotated before it expires: renew-before "
              + authorityRenewBefore
              + " is not within its lifetime "
              + authority);
    }
    if (authorityRenewBefore.compareTo(servingRenewBefore) <= 0) {
      throw new IllegalArgumentException(
          "the CA rotation window "
              + authorityRenewBefore
              + " must be longer than the serving renewal window "
              + servingRenewBefore
              + ", or a CA could expire while its certificates are still served");
    }
  }
}
