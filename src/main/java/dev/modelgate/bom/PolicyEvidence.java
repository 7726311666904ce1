package dev.modelgate.bom;

import dev.modelgate.core.Failure;
import java.util.List;
import java.util.Objects;

/**
 * How one policy judged a model: which policy (by name and by the identity its results are keyed
 * on, which covers its content and the trust roots it names), its mode, the trust material it
 * trusts, the authorities whose signature verified, the attestation rules that held, and its
 * failures (empty when it passed).
 *
 * @param name as users write it ({@code ClusterModelPolicy/signed-models}), or {@link
 *     #COMMAND_LINE} for the trust flags of the command
 * @param identity the compiled policy's identity ({@code kind/name@generation#sha256 of its
 *     content}); "" for the command line
 * @param mode Enforce, Warn or Audit; "" for the command line
 * @param trustRoot what the policy trusts, in words: a key's fingerprint, CA certificates, a
 *     Sigstore trusted root
 */
public record PolicyEvidence(
    String name,
    String identity,
    String mode,
    String trustRoot,
    List<String> authorities,
    List<String> heldAttestations,
    List<Failure> failures) {
  /** The name of the one policy the command line's trust flags make. */
  public static final String COMMAND_LINE = "(command line)";

  public PolicyEvidence {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(trustRoot, "trustRoot");
    authorities = List.copyOf(authorities);
    heldAttestations = List.copyOf(heldAttestations);
    failures = List.copyOf(failures);
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
