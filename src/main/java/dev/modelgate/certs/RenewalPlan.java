package dev.modelgate.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides the one next change to the webhook's TLS state, from the state, the clock and what the
 * cluster shows. A CA is rotated in three steps, each taken only when the previous one is visible:
 *
 * <ol>
 *   <li>stage: a new CA is made and added to the caBundle, the old CA still signs;
 *   <li>promote: once both webhook configurations trust the new CA, it issues the serving
 *       certificate; the old CA stays in the bundle as retiring;
 *   <li>retire: once every ready replica serves a certificate of the new CA (or the old CA has
 *       expired and trusts nothing any more), the old CA leaves the bundle.
 * </ol>
 *
 * So the API server always trusts whatever any replica serves. Each call returns at most one step;
 * the leader calls it again after writing.
 */
public final class RenewalPlan {
  /** What the leader saw in the cluster just before deciding. */
  public record Observations(
      Set<String> bundleFingerprints, Optional<List<X509Certificate>> servedByReadyReplicas) {
    public Observations {
      bundleFingerprints = Set.copyOf(bundleFingerprints);
      servedByReadyReplicas = servedByReadyReplicas.map(List::copyOf);
    }

    /** Nothing known: no bundle injected, replicas not observed. */
    public static Observations none() {
      return new Observations(Set.of(), Optional.empty());
    }
  }

  public enum Action {
    NONE,
    CREATE,
    RENEW_SERVING,
    STAGE_AUTHORITY,
    PROMOTE_AUTHORITY,
    RETIRE_AUTHORITY
  }

  /**
   * The decision: the action, the state after it (the same state for NONE) and why, for the log.
   */
  public record Step(Action action, WebhookTlsState state, String reason) {}

  private final Clock clock;
  private final CertificateIssuer issuer;
  private final List<String> dnsNames;

  public RenewalPlan(Clock clock, CertificateIssuer issuer, List<String> dnsNames) {
    if (dnsNames.isEmpty()) {
      throw new IllegalArgumentException("the serving certificate needs at least one DNS name");
    }
    this.clock = clock;
    this.issuer = issuer;
    this.dnsNames = List.copyOf(dnsNames);
  }

  public List<String> dnsNames() {
    return dnsNames;
  }

  /**
   * @param current the parsed Secret, empty when it holds nothing (or nothing readable)
   */
  public Step next(Optional<WebhookTlsState> current, Observations seen) {
    Instant now = clock.instant();
    if (current.isEmpty()) {
      return create("no webhook certificate yet");
    }
    WebhookTlsState s = current.get();
    CertificateLifetimes life = issuer.lifetimes();
    if (!now.isBefore(notAfter(s.authority().certificate()))) {
      return create(
          "the CA expired at "
              + notAfter(s.authority().certificate())
              + "; nothing signed by it is trusted any more");
    }
    Optional<String> broken = servingProblem(s);
    if (broken.isPresent()) {
      return new Step(Action.RENEW_SERVING, withServing(s, s.authority()), broken.get());
    }
    if (s.nextAuthority().isPresent()) {
      KeyAndCertificate next = s.nextAuthority().get();
      if (seen.bundleFingerprints().contains(next.fingerprint())) {
        return new Step(
            Action.PROMOTE_AUTHORITY,
            new WebhookTlsState(
                next,
                Optional.empty(),
                Optional.of(s.authority().certificate()),
                issuer.issueServing(next, dnsNames)),
            "both webhook configurations trust the new CA; it now signs the serving certificate");
      }
      return new Step(
          Action.NONE, s, "waiting for both webhook configurations to trust the new CA");
    }
    if (s.retiringAuthority().isPresent()) {
      X509Certificate old = s.retiringAuthority().get();
      if (!now.isBefore(notAfter(old))) {
        return new Step(
            Action.RETIRE_AUTHORITY, retire(s), "the previous CA expired at " + notAfter(old));
      }
      Optional<String> waiting = stillServingOld(s, seen);
      if (waiting.isEmpty()) {
        return new Step(
            Action.RETIRE_AUTHORITY,
            retire(s),
            "every ready replica serves a certificate of the new CA");
      }
      return new Step(Action.NONE, s, waiting.get());
    }
    Instant caDue = notAfter(s.authority().certificate()).minus(life.authorityRenewBefore());
    if (!now.isBefore(caDue)) {
      return new Step(
          Action.STAGE_AUTHORITY,
          new WebhookTlsState(
              s.authority(),
              Optional.of(issuer.newAuthority(dnsNames.get(0))),
              Optional.empty(),
              s.serving()),
          "the CA expires at "
              + notAfter(s.authority().certificate())
              + " (rotation due from "
              + caDue
              + ")");
    }
    Instant servingDue = notAfter(s.serving().certificate()).minus(life.servingRenewBefore());
    if (!now.isBefore(servingDue)) {
      return new Step(
          Action.RENEW_SERVING,
          withServing(s, s.authority()),
          "the serving certificate expires at "
              + notAfter(s.serving().certificate())
              + " (renewal due from "
              + servingDue
              + ")");
    }
    return new Step(
        Action.NONE,
        s,
        "up to date: serving certificate renews from " + servingDue + ", CA rotates from " + caDue);
  }

  private Step create(String reason) {
    KeyAndCertificate ca = issuer.newAuthority(dnsNames.get(0));
    return new Step(
        Action.CREATE, WebhookTlsState.fresh(ca, issuer.issueServing(ca, dnsNames)), reason);
  }

  private WebhookTlsState withServing(WebhookTlsState s, KeyAndCertificate signer) {
    return new WebhookTlsState(
        s.authority(),
        s.nextAuthority(),
        s.retiringAuthority(),
        issuer.issueServing(signer, dnsNames));
  }

  private static WebhookTlsState retire(WebhookTlsState s) {
    return new WebhookTlsState(s.authority(), Optional.empty(), Optional.empty(), s.serving());
  }

  /**
   * A serving certificate that is expired, not signed by the current CA or for other names is
   * replaced at once.
   */
  private Optional<String> servingProblem(WebhookTlsState s) {
    X509Certificate cert = s.serving().certificate();
    if (!signedBy(cert, s.authority().certificate())) {
      return Optional.of("the serving certificate is not signed by the current CA");
    }
    if (!clock.instant().isBefore(notAfter(cert))) {
      return Optional.of("the serving certificate expired at " + notAfter(cert));
    }
    Set<String> names = dnsNamesOf(cert);
    if (!names.equals(new TreeSet<>(dnsNames))) {
      return Optional.of(
          "the serving certificate is for "
              + names
              + ", the service needs "
              + new TreeSet<>(dnsNames));
    }
    return Optional.empty();
  }

  private static Optional<String> stillServingOld(WebhookTlsState s, Observations seen) {
    if (seen.servedByReadyReplicas().isEmpty()) {
      return Optional.of(
          "keeping the previous CA trusted: the certificates served by the replicas are not known");
    }
    List<X509Certificate> served = seen.servedByReadyReplicas().get();
    if (served.isEmpty()) {
      return Optional.of("keeping the previous CA trusted: no ready replica was observed");
    }
    List<String> old = new ArrayList<>();
    for (X509Certificate c : served) {
      if (!signedBy(c, s.authority().certificate())) {
        old.add(c.getSerialNumber().toString(16));
      }
    }
    return old.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "keeping the previous CA trusted: "
                + old.size()
                + " of "
                + served.size()
                + " ready replicas still serve a certificate of it");
  }

  static boolean signedBy(X509Certificate cert, X509Certificate authority) {
    try {
      if (!cert.getIssuerX500Principal().equals(authority.getSubjectX500Principal())) {
        return false;
      }
      cert.verify(authority.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static Set<String> dnsNamesOf(X509Certificate cert) {
    Set<String> names = new TreeSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> n : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(n.get(0))) {
            names.add((String) n.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }

  private static Instant notAfter(X509Certificate c) {
    return c.getNotAfter().toInstant();
  }
}
