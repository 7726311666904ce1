package dev.modelgate.certs.k8s;

import dev.modelgate.certs.KeyAndCertificate;
import dev.modelgate.certs.WebhookTlsState;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The Kubernetes objects behind self-managed webhook certificates: the one TLS Secret (read by
 * every replica, written by the leader) and the caBundle of ModelGate's own two webhook
 * configurations, addressed by name only. Writes carry the resourceVersion read, so two writers
 * cannot overwrite each other silently.
 */
public final class WebhookCertificates {
  private static final Logger log = Logger.getLogger(WebhookCertificates.class);

  /** Which objects, by name. */
  public record Names(
      String namespace, String secret, String validatingWebhook, String mutatingWebhook) {
    public Names {
      for (String n : List.of(namespace, secret, validatingWebhook, mutatingWebhook)) {
        if (n == null || n.isBlank()) {
          throw new IllegalArgumentException(
              "the webhook certificate objects need a namespace, a Secret and both webhook configuration names");
        }
      }
    }
  }

  /** The Secret as read: its state when it holds a usable one, and the version to write against. */
  public record SecretRead(
      boolean exists,
      String resourceVersion,
      Optional<WebhookTlsState> state,
      Optional<String> problem) {}

  private final KubernetesClient client;
  private final Names names;

  public WebhookCertificates(KubernetesClient client, Names names) {
    this.client = client;
    this.names = names;
  }

  public Names names() {
    return names;
  }

  public SecretRead read() {
    Secret s = client.secrets().inNamespace(names.namespace()).withName(names.secret()).get();
    if (s == null) {
      return new SecretRead(false, null, Optional.empty(), Optional.empty());
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (s.getData() != null) {
      Base64.Decoder d = Base64.getDecoder();
      s.getData().forEach((k, v) -> data.put(k, d.decode(v)));
    }
    if (WebhookTlsState.isEmpty(data)) {
      return new SecretRead(
          true, s.getMetadata().getResourceVersion(), Optional.empty(), Optional.empty());
    }
    try {
      return new SecretRead(
          true,
          s.getMetadata().getResourceVersion(),
          Optional.of(WebhookTlsState.parse(data)),
          Optional.empty());
    } catch (IllegalArgumentException e) {
      return new SecretRead(
          true,
          s.getMetadata().getResourceVersion(),
          Optional.empty(),
          Optional.of(e.getMessage()));
    }
  }

  /** Writes the state; fails with a conflict when the Secret changed since {@code read}. */
  public void write(SecretRead read, WebhookTlsState state) {
    Base64.Encoder e = Base64.getEncoder();
    Map<String, String> data = new LinkedHashMap<>();
    state.toData().forEach((k, v) -> data.put(k, e.encodeToString(v)));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(names.secret())
            .withNamespace(names.namespace())
            .withResourceVersion(read.resourceVersion())
            .addToLabels("app.kubernetes.io/managed-by", "modelgate")
            .endMetadata()
            .withType("Opaque")
            .withData(data)
            .build();
    var resource = client.secrets().inNamespace(names.namespace()).resource(secret);
    if (read.exists()) {
      resource.update();
    } else {
      resource.create();
    }
  }

  /**
   * The fingerprints of the CAs that every webhook of both configurations trusts (the intersection:
   * a CA counts as injected only when no webhook lacks it).
   */
  public Set<String> injectedAuthorities() {
    Set<String> common = null;
    for (String bundle : bundles()) {
      Set<String> these = fingerprints(bundle);
      if (common == null) {
        common = new HashSet<>(these);
      } else {
        common.retainAll(these);
      }
    }
    return common == null ? Set.of() : common;
  }

  private List<String> bundles() {
    List<String> out = new ArrayList<>();
    ValidatingWebhookConfiguration v = validating();
    MutatingWebhookConfiguration m = mutating();
    if (v == null || m == null) {
      return List.of();
    }
    v.getWebhooks()
        .forEach(
            w -> out.add(w.getClientConfig() == null ? null : w.getClientConfig().getCaBundle()));
    m.getWebhooks()
        .forEach(
            w -> out.add(w.getClientConfig() == null ? null : w.getClientConfig().getCaBundle()));
    return out;
  }

  private static Set<String> fingerprints(String base64Bundle) {
    if (base64Bundle == null || base64Bundle.isEmpty()) {
      return Set.of();
    }
    try {
      return KeyAndCertificate.certificates("caBundle", Base64.getDecoder().decode(base64Bundle))
          .stream()
          .map(KeyAndCertificate::fingerprint)
          .collect(Collectors.toSet());
    } catch (IllegalArgumentException e) {
      return Set.of();
    }
  }

  /**
   * Sets {@code caBundle} on every webhook of ModelGate's two configurations where it differs.
   * Returns how many configurations were changed; a missing configuration is logged and skipped.
   */
  public int inject(byte[] caBundle) {
    String bundle = Base64.getEncoder().encodeToString(caBundle);
    int changed = 0;
    ValidatingWebhookConfiguration v = validating();
    if (v == null) {
      log.warnf(
          "ValidatingWebhookConfiguration %s not found: its caBundle cannot be injected",
          names.validatingWebhook());
    } else if (v.getWebhooks().stream()
        .anyMatch(w -> !bundle.equals(w.getClientConfig().getCaBundle()))) {
      v.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(bundle));
      client.admissionRegistration().v1().validatingWebhookConfigurations().resource(v).update();
      changed++;
    }
    MutatingWebhookConfiguration m = mutating();
    if (m == null) {
      log.warnf(
          "MutatingWebhookConfiguration %s not found: its caBundle cannot be injected",
          names.mutatingWebhook());
    } else if (m.getWebhooks().stream()
        .anyMatch(w -> !bundle.equals(w.getClientConfig().getCaBundle()))) {
      m.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(bundle));
      client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(m).update();
      changed++;
    }
    return changed;
  }

  private ValidatingWebhookConfiguration validating() {
    return client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(names.validatingWebhook())
        .get();
  }

  private MutatingWebhookConfiguration mutating() {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(names.mutatingWebhook())
        .get();
  }
}
