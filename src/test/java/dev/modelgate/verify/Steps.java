package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.ManifestBuilder;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.Serialization;
import dev.modelgate.oms.StatementParser;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.trust.KeyVerifier;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

/**
 * What the step tests share: models signed in-process (the manifest as {@code sign} computes it,
 * signed by a test key), each step's input made by running the steps before it for real, and
 * readers of a step's outcome.
 */
final class Steps {
  private Steps() {}

  /** The OMS statement {@code sign} would write for {@code model}. */
  static byte[] statement(Path model, Serialization serialization) {
    return new ManifestBuilder(new ModelHasher(1))
        .build(model, serialization, new IgnoreRules(List.of()), HashProgress.NONE)
        .statement();
  }

  static byte[] statement(Path model) {
    return statement(model, Serialization.files(HashAlgorithm.SHA256, false));
  }

  static Authority authority(String name, KeyPair keys) {
    return new Authority(name, new KeyVerifier(keys.getPublic()));
  }

  /** The signers step's output for {@code bundle}, which {@code keys} must have signed. */
  static VerifiedSigners signers(KeyPair keys, byte[] bundle) {
    return passed(
        new AuthorityCheck()
            .signers(KeyBundles.parsed(bundle), List.of(authority("release", keys))));
  }

  static VerifiedSigners signers(KeyPair keys, Path model) {
    return signers(keys, KeyBundles.sign(keys, statement(model)));
  }

  /** The statement steps' output for a model signed by {@code keys}. */
  static VerifiedStatement verifiedStatement(KeyPair keys, byte[] bundle) {
    VerifiedSigners signers = signers(keys, bundle);
    OmsStatement statement =
        new StatementParser().parse(signers.bundle().envelope().payload().toArray());
    return passed(new RootDigestCheck().check(signers, statement));
  }

  static <T> T passed(StepOutcome<T> outcome) {
    assertThat(outcome).as("%s", outcome.failures()).isInstanceOf(StepOutcome.Passed.class);
    return ((StepOutcome.Passed<T>) outcome).value();
  }

  static List<Failure> failed(StepOutcome<?> outcome) {
    assertThat(outcome).isInstanceOf(StepOutcome.Failed.class);
    return outcome.failures();
  }

  static Failure onlyFailure(StepOutcome<?> outcome, Reason reason) {
    List<Failure> failures = failed(outcome);
    assertThat(failures).extracting(Failure::reason).containsExactly(reason);
    return failures.get(0);
  }
}
