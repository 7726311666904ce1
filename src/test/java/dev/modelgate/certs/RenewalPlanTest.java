package dev.modelgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.certs.RenewalPlan.Action;
import dev.modelgate.certs.RenewalPlan.Observations;
import dev.modelgate.certs.RenewalPlan.Step;
import dev.modelgate.testing.ManualClock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the leader renews when, on a clock the test moves: creation, renewal windows, a CA rotation
 * with overlap.
 */
class RenewalPlanTest {
  static final List<String> NAMES =
      List.of("gate.modelgate-system.svc", "gate.modelgate-system.svc.cluster.local");
  final ManualClock clock = ManualClock.atNow();
  final CertificateIssuer issuer = new CertificateIssuer(clock, CertificateLifetimes.DEFAULT);
  final RenewalPlan plan = new RenewalPlan(clock, issuer, NAMES);

  static Set<String> fingerprints(WebhookTlsState s) {
    return s.trustedAuthorities().stream()
        .map(KeyAndCertificate::fingerprint)
        .collect(Collectors.toSet());
  }

  static Observations served(WebhookTlsState bundle, X509Certificate... replicas) {
    return new Observations(fingerprints(bundle), Optional.of(List.of(replicas)));
  }

  @Test
  void emptySecretGetsACaAndAServingCertificateForTheServiceNames() throws Exception {
    Step s = plan.next(Optional.empty(), Observations.none());

    assertThat(s.action()).isEqualTo(Action.CREATE);
    X509Certificate serving = s.state().serving().certificate();
    X509Certificate ca = s.state().authority().certificate();
    assertThat(RenewalPlan.dnsNamesOf(serving)).containsExactlyInAnyOrderElementsOf(NAMES);
    serving.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).as("CA path length").isEqualTo(0);
    assertThat(serving.getBasicConstraints()).as("leaf is no CA").isEqualTo(-1);
    assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(serving.getNotBefore().toInstant()).isBefore(clock.instant());
    assertThat(s.state().trustedAuthorities()).containsExactly(ca);
  }

  @Test
  void freshStateNeedsNothingUntilTheServingRenewalWindowOpens() {
    WebhookTlsState s = plan.next(Optional.empty(), Observations.none()).state();

    clock.advance(Duration.ofDays(59));
    assertThat(plan.next(Optional.of(s), served(s, s.serving().certificate())).action())
        .isEqualTo(Action.NONE);

    clock.advance(Duration.ofDays(1).plusMinutes(6));
    Step renew = plan.next(Optional.of(s), served(s, s.serving().certificate()));
    assertThat(renew.action()).isEqualTo(Action.RENEW_SERVING);
    assertThat(renew.reason()).contains("renewal due from");
    assertThat(renew.state().authority()).as("same CA").isEqualTo(s.authority());
    assertThat(renew.state().serving().certificate().getNotAfter())
        .isAfter(s.serving().certificate().getNotAfter());
    assertThat(plan.next(Optional.of(renew.state()), Observations.none()).action())
        .isEqualTo(Action.NONE);
  }

  @Test
  void servingCertificateForOtherNamesOrAnotherCaIsReplacedAtOnce() {
    WebhookTlsState s = plan.next(Optional.empty(), Observations.none()).state();
    RenewalPlan renamed = new RenewalPlan(clock, issuer, List.of("other.modelgate-system.svc"));

    Step rename = renamed.next(Optional.of(s), Observations.none());
    assertThat(rename.action()).isEqualTo(Action.RENEW_SERVING);
    assertThat(rename.reason()).contains("the service needs [other.modelgate-system.svc]");

    KeyAndCertificate stranger = issuer.newAuthority("stranger");
    WebhookTlsState foreign =
        WebhookTlsState.fresh(s.authority(), issuer.issueServing(stranger, NAMES));
    Step fix = plan.next(Optional.of(foreign), Observations.none());
    assertThat(fix.action()).isEqualTo(Action.RENEW_SERVING);
    assertThat(fix.reason()).contains("not signed by the current CA");
  }

  @Test
  void caRotationKeepsBothCasTrustedUntilEveryReplicaServesTheNewOne() throws Exception {
    WebhookTlsState s = plan.next(Optional.empty(), Observations.none()).state();
    X509Certificate oldServing = s.serving().certificate();
    clock.advance(Duration.ofDays(4 * 365 + 1));
    // The serving certificate was renewed on schedule meanwhile; the CA is now in its rotation
    // window.
    s = WebhookTlsState.fresh(s.authority(), issuer.issueServing(s.authority(), NAMES));

    Step stage = plan.next(Optional.of(s), served(s, s.serving().certificate()));
    assertThat(stage.action()).isEqualTo(Action.STAGE_AUTHORITY);
    WebhookTlsState staged = stage.state();
    assertThat(staged.trustedAuthorities())
        .hasSize(2)
        .first()
        .isEqualTo(s.authority().certificate());
    assertThat(staged.serving()).as("the old CA still signs").isEqualTo(s.serving());

    Step notYet = plan.next(Optional.of(staged), served(s, s.serving().certificate()));
    assertThat(notYet.action()).as("bundle without the new CA").isEqualTo(Action.NONE);
    assertThat(notYet.reason()).contains("waiting for both webhook configurations");

    Step promote = plan.next(Optional.of(staged), served(staged, s.serving().certificate()));
    assertThat(promote.action()).isEqualTo(Action.PROMOTE_AUTHORITY);
    WebhookTlsState promoted = promote.state();
    promoted
        .serving()
        .certificate()
        .verify(staged.nextAuthority().orElseThrow().certificate().getPublicKey());
    assertThat(promoted.trustedAuthorities())
        .containsExactly(staged.nextAuthority().get().certificate(), s.authority().certificate());

    Step oneOld =
        plan.next(
            Optional.of(promoted),
            served(
                promoted,
                promoted.serving().certificate(),
                s.serving().certificate(),
                promoted.serving().certificate()));
    assertThat(oneOld.action()).isEqualTo(Action.NONE);
    assertThat(oneOld.reason()).contains("1 of 3 ready replicas still serve");
    assertThat(
            plan.next(
                    Optional.of(promoted),
                    new Observations(fingerprints(promoted), Optional.empty()))
                .action())
        .as("replicas unknown: overlap kept")
        .isEqualTo(Action.NONE);
    assertThat(plan.next(Optional.of(promoted), served(promoted)).action())
        .as("no ready replica seen")
        .isEqualTo(Action.NONE);

    Step retire =
        plan.next(
            Optional.of(promoted),
            served(promoted, promoted.serving().certificate(), promoted.serving().certificate()));
    assertThat(retire.action()).isEqualTo(Action.RETIRE_AUTHORITY);
    assertThat(retire.state().trustedAuthorities())
        .containsExactly(promoted.authority().certificate());
    assertThat(oldServing).isNotNull();
  }

  @Test
  void retiringCaLeavesTheBundleWhenItExpiresEvenIfReplicasAreUnknown() {
    WebhookTlsState s = plan.next(Optional.empty(), Observations.none()).state();
    clock.advance(Duration.ofDays(4 * 365 + 1));
    KeyAndCertificate next = issuer.newAuthority("next");
    clock.advance(Duration.ofDays(365));
    WebhookTlsState renewed =
        new WebhookTlsState(
            next,
            Optional.empty(),
            Optional.of(s.authority().certificate()),
            issuer.issueServing(next, NAMES));

    Step step = plan.next(Optional.of(renewed), Observations.none());

    assertThat(step.action()).isEqualTo(Action.RETIRE_AUTHORITY);
    assertThat(step.reason()).contains("previous CA expired");
  }

  @Test
  void expiredCaIsReplacedOutright() {
    WebhookTlsState s = plan.next(Optional.empty(), Observations.none()).state();
    clock.advance(Duration.ofDays(5 * 365 + 1));

    Step step = plan.next(Optional.of(s), Observations.none());

    assertThat(step.action()).isEqualTo(Action.CREATE);
    assertThat(step.reason()).contains("the CA expired");
  }

  @Test
  void servingCertificateNeverOutlivesItsCa() {
    KeyAndCertificate ca = issuer.newAuthority("x");
    clock.advance(Duration.ofDays(5 * 365 - 10));

    X509Certificate serving = issuer.issueServing(ca, NAMES).certificate();

    assertThat(serving.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void secretDataRoundTripsAndBadDataIsRefusedWithTheKeyNamed() {
    WebhookTlsState s = plan.next(Optional.empty(), Observations.none()).state();
    WebhookTlsState staged =
        new WebhookTlsState(
            s.authority(), Optional.of(issuer.newAuthority("n")), Optional.empty(), s.serving());

    WebhookTlsState back = WebhookTlsState.parse(staged.toData());
    assertThat(back.caBundle()).isEqualTo(staged.caBundle());
    assertThat(back.nextAuthority().orElseThrow().fingerprint())
        .isEqualTo(staged.nextAuthority().get().fingerprint());

    Map<String, byte[]> swapped = new HashMap<>(s.toData());
    swapped.put(WebhookTlsState.TLS_KEY, s.toData().get(WebhookTlsState.CA_KEY));
    assertThatThrownBy(() -> WebhookTlsState.parse(swapped))
        .isInstanceOf(TlsDataException.class)
        .hasMessageContaining("serving (tls.crt/tls.key)")
        .hasMessageContaining("does not belong");

    Map<String, byte[]> garbage = new HashMap<>(s.toData());
    garbage.put(WebhookTlsState.CA_CERT, "not pem".getBytes());
    assertThatThrownBy(() -> WebhookTlsState.parse(garbage))
        .isInstanceOf(TlsDataException.class)
        .hasMessageContaining("CA (ca.crt/ca.key)");

    Map<String, byte[]> noKey = new HashMap<>(s.toData());
    noKey.remove(WebhookTlsState.CA_KEY);
    assertThatThrownBy(() -> WebhookTlsState.parse(noKey))
        .hasMessageContaining("CA (ca.crt/ca.key) key is missing");
    assertThat(WebhookTlsState.isEmpty(Map.of())).isTrue();
  }

  @Test
  void lifetimesThatCannotRenewInTimeAreRefused() {
    assertThatThrownBy(
            () ->
                new CertificateLifetimes(
                    Duration.ofDays(365),
                    Duration.ofDays(30),
                    Duration.ofDays(90),
                    Duration.ofDays(90)))
        .hasMessageContaining("renewed before they expire");
    assertThatThrownBy(
            () ->
                new CertificateLifetimes(
                    Duration.ofDays(365),
                    Duration.ofDays(10),
                    Duration.ofDays(90),
                    Duration.ofDays(30)))
        .hasMessageContaining("must be longer than the serving renewal window");
  }
}
