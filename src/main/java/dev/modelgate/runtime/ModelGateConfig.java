package dev.modelgate.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code modelgate.*} configuration of the webhook server. */
@ConfigMapping(prefix = "modelgate")
public interface ModelGateConfig {
  /**
   * Where policies come from: {@code embedded} (a directory of YAML) or {@code kubernetes} (CRDs,
   * informers).
   */
  @WithDefault("embedded")
  String source();

  /** The policy directory in embedded mode. */
  @WithDefault("policies")
  String policies();

  /** What happens to a model no policy matches: allow, warn or deny. */
  @WithDefault("deny")
  String noMatch();

  /**
   * Whether file:// model references are read from this server's file system (default: only in
   * embedded mode).
   */
  Optional<Boolean> allowFileModels();

  /**
   * Registries (host:port) spoken to over plain HTTP besides loopback ones, as Docker's insecure
   * registries.
   */
  Optional<List<String>> plainHttpRegistries();

  /**
   * Whether a workload's imagePullSecrets and service account's are read for its registry requests
   * (the chart's {@code readPullSecrets}; without it RBAC grants no access to Secrets, so reading
   * them would be refused and every OCI model denied).
   */
  @WithDefault("true")
  boolean readPullSecrets();

  /** Keep OCI verification results (by manifest digest, policy content and registry access). */
  @WithDefault("true")
  boolean verificationCache();

  /** How long a passing OCI verification is kept. */
  @WithDefault("600s")
  Duration passTtl();

  /**
   * How long a definitive failure (bad signature, digest mismatch, no signature, file rules) is
   * kept; UNAVAILABLE never is.
   */
  @WithDefault("30s")
  Duration failureTtl();

  /** How long a tag's resolution to a manifest digest is reused, by every policy. */
  @WithDefault("30s")
  Duration tagTtl();

  /** The image of the verifier init container injected for models on volumes. */
  @WithDefault("ghcr.io/modelgate/modelgate:0.1.0")
  String verifierImage();

  /**
   * Answer budget when the API server sends no {@code ?timeout=}; Kubernetes' own default is 10 s.
   */
  @WithDefault("10s")
  Duration defaultTimeout();

  /** Time kept back from the API server's deadline for writing the answer. */
  @WithDefault("500ms")
  Duration answerMargin();

  /**
   * How often the served certificate files are checked for replacement (a kubelet-updated Secret
   * volume, {@code serve --tls-cert}).
   */
  @WithDefault("5s")
  Duration tlsFileCheckPeriod();

  /** Self-managed webhook certificates, instead of cert-manager or mounted files. */
  WebhookTls webhookTls();

  /** {@code modelgate.reports.*}: PolicyReports (docs/reports.md). */
  Reports reports();

  /** How admission and scan results reach {@code wgpolicyk8s.io/v1alpha2} PolicyReports. */
  interface Reports {
    /** Whether reports are written; default: in Kubernetes mode ({@code source=kubernetes}). */
    Optional<Boolean> enabled();

    /** How often queued results are written (one update per namespace report). */
    @WithDefault("10s")
    Duration flushInterval();

    /** Queued results that start a write before the interval is up. */
    @WithDefault("500")
    int flushAt();

    /** Most results kept queued while the API server cannot be written; more are dropped. */
    @WithDefault("50000")
    int maxQueued();
  }

  /** Background verification of running workloads (with {@code source=kubernetes} only). */
  Scan scan();

  /**
   * {@code modelgate.scan.*}: one replica, elected by a Lease, re-verifies the models of running
   * pods every {@code interval} and when a policy or trust root changes.
   */
  interface Scan {
    /** Whether this replica campaigns to scan at all. */
    @WithDefault("true")
    boolean enabled();

    /** How often the running workloads are verified again, besides after policy changes. */
    @WithDefault("1h")
    Duration interval();

    /** The Lease that elects the one replica that scans (not the certificate Lease). */
    @WithDefault("modelgate-scan")
    String lease();

    /** The namespace of the Lease; default: this pod's ({@code POD_NAMESPACE}). */
    Optional<String> namespace();

    /** This replica's name in the Lease; default: {@code POD_NAME}, else the host name. */
    Optional<String> identity();

    /** Workload groups verified at once (each may verify several models in parallel). */
    @WithDefault("4")
    int concurrency();

    /** Time one workload group may take, registry requests included. */
    @WithDefault("60s")
    Duration workloadTimeout();

    /**
     * Most series of {@code modelgate_models_running}; the pods of models beyond it are counted in
     * series labelled {@code other}.
     */
    @WithDefault("1000")
    int maxInventorySeries();
  }

  /**
   * {@code modelgate.webhook-tls.*}: on when {@code secret} is set (the chart sets it unless
   * certManager.enabled).
   */
  interface WebhookTls {
    /** The Secret that holds the CA and the serving certificate. */
    Optional<String> secret();

    /**
     * The namespace of the Secret, Lease and Service; default: this pod's ({@code POD_NAMESPACE}).
     */
    Optional<String> namespace();

    /**
     * The Service the API server calls: the certificate is for {@code <service>.<namespace>.svc}.
     */
    @WithDefault("modelgate")
    String service();

    /** The Lease that elects the one replica that writes. */
    @WithDefault("modelgate-tls")
    String lease();

    /** ModelGate's own ValidatingWebhookConfiguration, the only one whose caBundle it sets. */
    @WithDefault("modelgate")
    String validatingWebhook();

    /** ModelGate's own MutatingWebhookConfiguration, the only one whose caBundle it sets. */
    @WithDefault("modelgate")
    String mutatingWebhook();

    /**
     * How often the leader checks expiry, the caBundle and the rotation; one rotation step per
     * check.
     */
    @WithDefault("30s")
    Duration checkPeriod();

    /** How often every replica reads the Secret for a new certificate. */
    @WithDefault("5s")
    Duration syncPeriod();

    /** This replica's name in the Lease; default: {@code POD_NAME}, else the host name. */
    Optional<String> identity();
  }
}
