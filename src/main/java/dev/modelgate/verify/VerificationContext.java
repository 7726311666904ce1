package dev.modelgate.verify;

import dev.modelgate.oms.HashedModel;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.SignerVerdict;
import java.util.ArrayList;
import java.util.List;

/**
 * What the checks of one verification share: the request, and what earlier checks established.
 * Confined to the thread running the pipeline.
 */
final class VerificationContext {
  /** The local request; null when verifying an OCI artifact. */
  final VerificationRequest request;

  final VerifyOptions options;

  /** The bundle bytes when they were fetched rather than read from a file. */
  final byte[] bundleBytes;

  /** The artifact's files when verifying an OCI artifact. */
  final ArtifactContents artifact;

  SigstoreBundle bundle;
  SignerVerdict.Verified signer;
  OmsStatement statement;
  HashedModel hashed;
  final List<String> authorities = new ArrayList<>();
  long filesChecked;
  long bytesHashed;
  final List<String> warnings = new ArrayList<>();

  VerificationContext(VerificationRequest request) {
    this.request = request;
    this.options = request.options();
    this.bundleBytes = null;
    this.artifact = null;
  }

  VerificationContext(byte[] bundleBytes, ArtifactContents artifact, VerifyOptions options) {
    this.request = null;
    this.options = options;
    this.bundleBytes = bundleBytes.clone();
    this.artifact = artifact;
  }
}
