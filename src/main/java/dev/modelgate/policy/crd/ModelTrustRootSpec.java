package dev.modelgate.policy.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Trust material policies point to by name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelTrustRootSpec {
  @JsonPropertyDescription("PEM bundle of root CA certificates for the certificate method.")
  public String certificateAuthorities;

  @JsonPropertyDescription("A Sigstore trusted root for the keyless method.")
  public Sigstore sigstore;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Sigstore {
    @JsonPropertyDescription("The trusted_root.json content, inline.")
    public String trustedRoot;

    @JsonPropertyDescription(
        "Or a Sigstore ClientTrustConfig (model_signing's --trust-config file), inline: its trustedRoot is used, its signingConfig ignored.")
    public String trustConfig;

    @JsonPropertyDescription("Or a ConfigMap key holding it.")
    public ConfigMapKeyRef configMapRef;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ConfigMapKeyRef {
    public String namespace;
    public String name;
    public String key;
  }
}
