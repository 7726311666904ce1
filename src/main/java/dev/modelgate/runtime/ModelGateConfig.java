package dev.modelgate.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code modelgate.*} configuration of the webhook server. */
@ConfigMapping(prefix = "modelgate")
public interface ModelGateConfig {
  /** Where policies come from: {@code embedded} (a directory of YAML) or {@code kubernetes} (CRDs, informers). */
  @WithDefault("embedded")
  String source();

  /** The policy directory in embedded mode. */
  @WithDefault("policies")
  String policies();

  /** What happens to a model no policy matches: allow, warn or deny. */
  @WithDefault("deny")
  String noMatch();

  /** Whether file:// model references are read from this server's file system (default: only in embedded mode). */
  Optional<Boolean> allowFileModels();

  /** Registries (host:port) spoken to over plain HTTP besides loopback ones, as Docker's insecure registries. */
  Optional<java.util.List<String>> plainHttpRegistries();

  /** Keep OCI verification results (by manifest digest, policy content and registry access). */
  @WithDefault("true")
  boolean verificationCache();

  /** How long a passing OCI verification is kept. */
  @WithDefault("600s")
  Duration passTtl();

  /** How long a definitive failure (bad signature, digest mismatch, no signature, file rules) is kept; UNAVAILABLE never is. */
  @WithDefault("30s")
  Duration failureTtl();

  /** How long a tag's resolution to a manifest digest is reused, by every policy. */
  @WithDefault("30s")
  Duration tagTtl();

  /** The image of the verifier init container injected for models on volumes. */
  @WithDefault("ghcr.io/modelgate/modelgate:0.1.0")
  String verifierImage();

  /** Answer budget when the API server sends no {@code ?timeout=}; Kubernetes' own default is 10 s. */
  @WithDefault("10s")
  Duration defaultTimeout();

  /** Time kept back from the API server's deadline for writing the answer. */
  @WithDefault("500ms")
  Duration answerMargin();
}
