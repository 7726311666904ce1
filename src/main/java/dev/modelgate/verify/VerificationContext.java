package dev.modelgate.verify;

import dev.modelgate.oms.HashedModel;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.SignerVerdict;

/**
 * What the checks of one verification share: the request, and what earlier checks established.
 * Confined to the thread running the pipeline.
 */
final class VerificationContext {
  final VerificationRequest request;
  SigstoreBundle bundle;
  SignerVerdict.Verified signer;
  OmsStatement statement;
  HashedModel hashed;
  final java.util.List<String> authorities = new java.util.ArrayList<>();
  long filesChecked;
  long bytesHashed;

  VerificationContext(VerificationRequest request) {
    this.request = request;
  }
}
