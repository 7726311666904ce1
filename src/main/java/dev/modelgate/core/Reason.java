package dev.modelgate.core;

/**
 * Stable, machine-readable reason codes for every way a verification can fail.
 *
 * <p>Codes are part of the public contract ({@code --json}, admission messages, metrics labels):
 * they never change once published. Message wording may.
 */
public enum Reason {
  /** The bundle is not valid JSON, lacks a required field, or has a field of the wrong type. */
  BUNDLE_MALFORMED,
  /** The bundle media type is not a supported Sigstore bundle version. */
  BUNDLE_VERSION_UNSUPPORTED,
  /** The DSSE payload type is not in-toto JSON. */
  PAYLOAD_TYPE_UNSUPPORTED,
  /** The envelope carries more or fewer than one signature. */
  SIGNATURE_COUNT,
  /** The cryptographic signature does not verify with the trusted key. */
  SIGNATURE_INVALID,
  /** The bundle names a different key than the one trusted (hint or embedded key). */
  KEY_MISMATCH,
  /** The key type or curve is not one OMS allows. */
  KEY_UNSUPPORTED,
  /** The verification material in the bundle does not fit the configured method. */
  VERIFICATION_MATERIAL_MISMATCH,
  /** The certificate chain does not lead to a trusted anchor at the checked time. */
  CHAIN_UNTRUSTED,
  /** The signing certificate is not allowed to sign code (key usage / extended key usage). */
  CERTIFICATE_USAGE,
  /** The signer's identity does not match the expected identity. */
  IDENTITY_MISMATCH,
  /** The signed payload is not a well-formed in-toto statement or OMS predicate. */
  STATEMENT_MALFORMED,
  /** The predicate type is not an OMS signature predicate. */
  PREDICATE_UNSUPPORTED,
  /** The subject digest is not the root digest of the signed resources. */
  SUBJECT_DIGEST_MISMATCH,
  /** A hash algorithm or serialization method is not supported. */
  HASH_ALGORITHM_UNSUPPORTED,
  /** A digest has the wrong length or is not lowercase hex. */
  DIGEST_MALFORMED,
  /** Two signed resources have the same name. */
  DUPLICATE_RESOURCE,
  /** A path is absolute, contains {@code ..}, or otherwise escapes the model root. */
  PATH_UNSAFE,
  /** A file's content differs from the signed digest. */
  DIGEST_MISMATCH,
  /** A signed file is not in the model. */
  FILE_MISSING,
  /** A file in the model is not covered by the signature and not ignored. */
  UNSIGNED_FILE,
  /**
   * A download restricted to some files ({@code STORAGE_ALLOW_PATTERNS}) selects none of the signed
   * files: nothing of the model would be verified.
   */
  PARTIAL_DOWNLOAD_EMPTY,
  /**
   * A download restricted to some files does not fetch the model's signature file, so the verifier
   * could not check what it fetched; /mutate adds the signature to the patterns.
   */
  SIGNATURE_NOT_DOWNLOADED,
  /** A symbolic link was found and links are not allowed. */
  SYMLINK_REFUSED,
  /** A FIFO, socket or device file was found in the model. */
  SPECIAL_FILE_REFUSED,
  /** A file changed while it was being hashed. */
  MODEL_CHANGED,
  /** The model or its signature file does not exist or cannot be read. */
  NOT_FOUND,
  /** An input is larger than ModelGate accepts. */
  LIMIT_EXCEEDED,
  /** Reading the model failed for a reason other than the above. */
  IO_ERROR,
  /** A Sigstore trusted root (or other trust material) cannot be loaded or is unusable. */
  TRUST_ROOT_INVALID,
  /** The signing certificate has no valid signed certificate timestamp from a trusted CT log. */
  SCT_INVALID,
  /** The transparency-log entry does not verify (SET, inclusion proof or checkpoint). */
  TLOG_INVALID,
  /** The bundle carries more or fewer than one transparency-log entry. */
  TLOG_ENTRY_COUNT,
  /** The transparency-log entry records a different envelope, signature or certificate. */
  TLOG_ENTRY_MISMATCH,
  /** An RFC 3161 timestamp does not verify against a trusted timestamp authority. */
  TIMESTAMP_INVALID,
  /** The certificate was not valid at the logged or timestamped time, or no time was verified. */
  SIGNING_TIME_INVALID,
  /** An admission request or workload cannot be read, or is not one ModelGate inspects. */
  REQUEST_MALFORMED,
  /** A model reference (URI or annotation) cannot be parsed. */
  MODEL_REFERENCE_INVALID,
  /** The model lives where this version cannot verify it at admission (OCI, volumes). */
  MODEL_SOURCE_UNSUPPORTED,
  /** The pod does not mount the volume or claim a model on a volume is on. */
  MODEL_VOLUME_NOT_MOUNTED,
  /** A container mounts a model volume writable where the policy requires read-only mounts. */
  MODEL_MOUNT_WRITABLE,
  /**
   * A volume backed by a model's claim is mounted at a path outside the verified model directory.
   */
  MOUNT_OUTSIDE_MODEL,
  /**
   * A workload mounts writable a claim a policy's model lives on (named in a {@code pvc://} match,
   * or verified on it in another pod), and the policy does not name it among the claim's writers
   * ({@code spec.claimWriters}): it could change the model after it was verified.
   */
  MODEL_CLAIM_WRITER,
  /** ModelGate's verifying init container for a model on a volume is not in the pod. */
  VERIFIER_MISSING,
  /**
   * The verifying init container was changed (image, arguments, policies, mount, command,
   * restartPolicy).
   */
  VERIFIER_ALTERED,
  /** An init container writes the model volume after the verifier has run. */
  VERIFIER_BEFORE_WRITER,
  /**
   * A container reads the model volume before the verifier has run (an init container or native
   * sidecar before it).
   */
  MODEL_READ_BEFORE_VERIFY,
  /**
   * Background verification cannot tell what the verifying init container decided for a running
   * pod: its recorded outcome is missing, unreadable, about another model, or predates a policy
   * that now matches. Reported as an error, never as a pass.
   */
  VERIFIER_OUTCOME_UNKNOWN,
  /**
   * A serving runtime in the pod loads a model nothing verifies before use: a hub ID, URL or remote
   * repository in its model arguments (downloaded when it starts), a path in the container image,
   * an argument ModelGate cannot read, or adapters loaded into the running server.
   */
  RUNTIME_MODEL_SOURCE,
  /**
   * A container that mounts a verified model overrides the offline switches a policy with {@code
   * verification.sealRuntimeDownloads} sets ({@code HF_HUB_OFFLINE}, {@code TRANSFORMERS_OFFLINE}).
   */
  RUNTIME_DOWNLOADS_UNSEALED,
  /** A workload a {@code requireModels} policy selects names no model. */
  NO_MODEL_DECLARED,
  /** A policy that matches the model did not compile; it denies until fixed. */
  POLICY_INVALID,
  /** No policy matched the model and the configured behaviour is to deny. */
  NO_POLICY,
  /** A registry refused access (401, 403) with the credentials available. */
  REGISTRY_DENIED,
  /** The registry answered with something that is not what was asked for (digest, type, shape). */
  REGISTRY_CONTENT_INVALID,
  /** No OMS signature was found for the model (referrers, tag fallback, model.sig layer). */
  SIGNATURE_NOT_FOUND,
  /** A layer cannot be checked without downloading it, and the policy does not allow that. */
  LAYER_NOT_VERIFIABLE,
  /**
   * An image or archive layer leaves the plain tar subset that ModelGate and the node's runtime
   * (Go's archive/tar under containerd) provably read the same way: an unusual header, a second
   * extended header, an entry below a link, a path written twice. Refused rather than guessed.
   */
  LAYER_UNSUPPORTED,
  /** The workload names a model by tag where the policy requires a digest. */
  DIGEST_REQUIRED,
  /** A signed file matches a pattern the policy denies (e.g. pickle files). */
  FILE_DENIED,
  /** No signed file matches a pattern the policy requires. */
  FILE_REQUIRED,
  /** No attestation of a required predicate type was found for the model. */
  ATTESTATION_MISSING,
  /** Attestations were found, but none is valid, allowed and satisfies the condition. */
  ATTESTATION_FAILED,
  /** A base model named by the provenance is missing, unsigned, changed, too deep, or a cycle. */
  LINEAGE_INVALID,
  /** Too few distinct authorities signed. */
  THRESHOLD_NOT_MET,
  /**
   * Something the decision needs (a registry, a base model, trust material, the time to hash) was
   * not available before the deadline. The only reason {@code onError: Allow} may turn into a
   * warning.
   */
  UNAVAILABLE,
  /**
   * A check failed in a way ModelGate did not foresee (a bug, an unexpected library exception). It
   * always denies, whatever {@code onError} says; the stack trace goes to the server's log only.
   */
  INTERNAL_ERROR;

  /** Whether no decision could be made (CLI exit code 3): unavailable, or an internal error. */
  public boolean undecided() {
    return this == UNAVAILABLE || this == INTERNAL_ERROR;
  }

  /** The code as it appears in JSON output and metrics labels. */
  public String code() {
    return name();
  }
}
