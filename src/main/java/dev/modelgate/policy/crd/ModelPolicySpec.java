package dev.modelgate.policy.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** The spec shared by ClusterModelPolicy and ModelPolicy (DESIGN.md section 4). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelPolicySpec {
  @JsonPropertyDescription(
      "Enforce denies, Warn admits with warnings, Audit admits and records. Default Enforce.")
  public Mode mode;

  @JsonPropertyDescription(
      "Which workloads and models the policy applies to. Default: every model.")
  public Match match;

  @Required
  @JsonPropertyDescription("Who may sign the models this policy matches.")
  public List<Authority> authorities = new ArrayList<>();

  @JsonPropertyDescription("How many distinct authorities must have signed. Default 1.")
  public Signatures signatures;

  @JsonPropertyDescription("Which files of a model count.")
  public Verification verification;

  @JsonPropertyDescription("Rules over the signed file names, checked on the verified manifest.")
  public Files files;

  @JsonPropertyDescription(
      "In-toto attestations that must be present, signed by the named authorities, with a CEL condition that holds.")
  public List<Attestation> attestations;

  @JsonPropertyDescription(
      "Verify the models this one was derived from (SLSA provenance resolvedDependencies or a modelgate.dev/lineage/v1 attestation).")
  public Lineage lineage;

  @JsonPropertyDescription(
      "OCI tag handling: Mutate pins tags to digests, Require denies tags, VerifyOnly changes nothing.")
  public DigestPolicy digest;

  @JsonPropertyDescription(
      "Deny, or Allow with a warning, when a model source cannot be reached in time.")
  public OnError onError;

  @JsonPropertyDescription(
      "A workload this policy selects (namespaceSelector, workloadSelector) that names no model fails it with NO_MODEL_DECLARED, in the policy's mode. Default false.")
  public Boolean requireModels;

  @JsonPropertyDescription(
      "Models that workloads use without naming them (operators such as KAITO, OME or the NIM operator build pod templates with labels only): each workload this policy selects that also matches an entry's workloadSelector uses that model, verified as if the pod template carried the annotation model.modelgate.dev/<name>: <uri>.")
  public List<DeclaredModel> declaredModels;

  @JsonPropertyDescription(
      "Workloads allowed to mount writable the claims this policy's models live on (a download Job). Any other workload that mounts such a claim writable (a claim a pvc:// glob in match.models names, or one a model this policy matched was verified on) fails this policy with MODEL_CLAIM_WRITER, in its mode.")
  public List<ClaimWriter> claimWriters;

  /** Workloads that may write the claims a policy's models live on. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClaimWriter {
    @JsonPropertyDescription(
        "Namespaces whose labels match (ClusterModelPolicy only). Default: every namespace the policy applies in.")
    public LabelSelector namespaceSelector;

    @Required
    @JsonPropertyDescription(
        "Pod template labels of the writers; {} for every workload in the selected namespaces.")
    public LabelSelector workloadSelector;

    @Required
    @JsonPropertyDescription(
        "Names of the claims they may write, as globs ('*' and '?'; '*' for every claim).")
    public List<String> claims;
  }

  /** One model a platform team declares for the workloads a selector picks. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DeclaredModel {
    @Required
    @JsonPropertyDescription(
        "The model's name, as in model.modelgate.dev/<name> (lowercase letters, digits, '-', '.').")
    public String name;

    @Required
    @JsonPropertyDescription(
        "Where the model is: oci://, pvc://claim/path or volume://volume/path (as the annotation takes it).")
    public String uri;

    @Required
    @JsonPropertyDescription(
        "Pod template labels of the workloads that use the model (besides the policy's own match).")
    public LabelSelector workloadSelector;

    @JsonPropertyDescription(
        "Where the OMS bundle is, relative to the model directory, when not model.sig.")
    public String signature;
  }

  public enum Mode {
    Enforce,
    Warn,
    Audit
  }

  public enum DigestPolicy {
    Mutate,
    Require,
    VerifyOnly
  }

  public enum OnError {
    Deny,
    Allow
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Match {
    @JsonPropertyDescription(
        "Namespaces whose labels match (ClusterModelPolicy only). Default: all.")
    public LabelSelector namespaceSelector;

    @JsonPropertyDescription("Pod template labels to match. Default: all workloads.")
    public LabelSelector workloadSelector;

    @JsonPropertyDescription(
        "Globs over model URIs ('*' within a path segment, '**' across). Default: all.")
    public List<String> models;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Authority {
    @Required
    @JsonPropertyDescription("A name, unique in the policy, used in messages and thresholds.")
    public String name;

    public KeyAuthority key;
    public CertificateAuthority certificate;
    public KeylessAuthority keyless;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class KeyAuthority {
    @JsonPropertyDescription("PEM EC public key (P-256, P-384 or P-521).")
    public String publicKey;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CertificateAuthority {
    @Required
    @JsonPropertyDescription("ModelTrustRoot whose certificateAuthorities are the trust anchors.")
    public String trustRootRef;

    @JsonPropertyDescription(
        "Full-match regular expression over the signing certificate's subject DN.")
    public String subjectRegExp;

    @JsonPropertyDescription(
        "Full-match regular expression over one of the signing certificate's SANs.")
    public String sanRegExp;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class KeylessAuthority {
    @JsonPropertyDescription(
        "ModelTrustRoot holding a Sigstore trusted root. Default: the embedded public-good root.")
    public String trustRootRef;

    @Required
    @JsonPropertyDescription("Identities allowed to sign; any one is enough.")
    public List<Identity> identities = new ArrayList<>();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Identity {
    public String issuer;
    public String issuerRegExp;
    public String subject;
    public String subjectRegExp;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Files {
    @JsonPropertyDescription("Globs no signed file may match, e.g. '**/*.pkl'.")
    public List<String> deny;

    @JsonPropertyDescription(
        "Globs each of which at least one signed file must match, e.g. '**/*.safetensors'.")
    public List<String> require;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Attestation {
    @Required public String name;

    @Required public String predicateType;

    @JsonPropertyDescription(
        "Names of this policy's authorities that may sign it. Default: any of them.")
    public List<String> authorities;

    @JsonPropertyDescription(
        "CEL over predicate, statement and model (rootDigest, uri, name, files); must be true.")
    public String condition;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Lineage {
    @JsonPropertyDescription(
        "How many generations of base models to verify (1 = the direct base). Default 1.")
    public Integer maxDepth;

    @Required
    @JsonPropertyDescription(
        "Names of this policy's authorities that may sign base models and their own provenance (the admitted model's provenance may be signed by any of the policy's authorities).")
    public List<String> authorities;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Signatures {
    public Integer threshold;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Verification {
    public List<String> ignorePaths;

    @JsonPropertyDescription("Check only the signed files; unsigned extra files pass. Unsafe.")
    public Boolean ignoreUnsignedFiles;

    public Boolean allowSymlinks;

    @JsonPropertyDescription(
        "Deny workloads whose app containers mount a volume model writable (volume models only).")
    public Boolean requireReadOnlyMounts;

    @JsonPropertyDescription(
        "OCI models: download archive layers (tar, tar+gzip) and hash their files, instead of denying them.")
    public Boolean allowLayerDownload;

    @JsonPropertyDescription(
        "Most bytes downloaded per model when allowLayerDownload is set (for a container image: all its layers). Default 2 GiB.")
    public Long maxLayerDownloadBytes;

    @JsonPropertyDescription(
        "Container images used as models (KServe modelcars): the model directory inside the image, verified with the image's layers applied in order. Default /models.")
    public String imageModelPath;

    @JsonPropertyDescription(
        "OMS serializations accepted: files, shards (default both). [files] refuses shards signatures, whose manifests cannot cover empty files.")
    public List<String> serializations;

    @JsonPropertyDescription(
        "Admit serving runtimes that load adapters into the running server through its API (VLLM_ALLOW_RUNTIME_LORA_UPDATING, AIBrix and production-stack adapter sidecars). Those adapters are never verified. Unsafe; default false.")
    public Boolean allowRuntimeAdapterLoading;

    @JsonPropertyDescription(
        "/mutate sets HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1 on every container that mounts a model this policy matches, and /validate denies a container that overrides them (RUNTIME_DOWNLOADS_UNSEALED). Default false.")
    public Boolean sealRuntimeDownloads;
  }
}
