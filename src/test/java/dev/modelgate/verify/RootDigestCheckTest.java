package dev.modelgate.verify;

import static dev.modelgate.verify.Steps.onlyFailure;
import static dev.modelgate.verify.Steps.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.RootDigest;
import dev.modelgate.oms.StatementParser;
import dev.modelgate.testing.BundlePayload;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root-digest step: the subject digest is the root digest of the resources in payload order
 * (OMS spec 6.5.1), or the statement is inconsistent and nothing in it is used.
 */
class RootDigestCheckTest {
  @TempDir Path tmp;
  final RootDigestCheck check = new RootDigestCheck();
  final KeyPair keys = TestKeys.ec("secp256r1");

  private VerifiedSigners signed(String statement) {
    return Steps.signers(keys, KeyBundles.sign(keys, statement));
  }

  private static OmsStatement parsed(VerifiedSigners s) {
    return new StatementParser().parse(s.bundle().envelope().payload().toArray());
  }

  @Test
  void consistentStatementIsVerifiedWithItsRootDigest() throws Exception {
    Path model = TestModels.sample(tmp, "model");
    VerifiedSigners signers = Steps.signers(keys, model);
    Files.write(tmp.resolve("model.sig"), KeyBundles.sign(keys, Steps.statement(model)));
    String subject =
        BundlePayload.of(tmp.resolve("model.sig"))
            .statement()
            .at("/subject/0/digest/sha256")
            .asText();

    VerifiedStatement v = passed(check.check(signers, parsed(signers)));

    assertThat(v.rootDigest().hex()).isEqualTo(subject);
    assertThat(v.rootDigest()).isEqualTo(RootDigest.of(v.statement().resources()));
    assertThat(v.signers()).isSameAs(signers);
  }

  @Test
  void subjectDigestThatIsNotTheRootOfTheResourcesIsRefused() {
    Path model = TestModels.sample(tmp, "model");
    String statement = new String(Steps.statement(model), StandardCharsets.UTF_8);
    String real = RootDigest.of(parsed(signed(statement)).resources()).hex();
    String forged = statement.replace(real, "ab".repeat(32));
    VerifiedSigners signers = signed(forged);

    Failure f = onlyFailure(check.check(signers, parsed(signers)), Reason.SUBJECT_DIGEST_MISMATCH);

    assertThat(f.message())
        .isEqualTo(
            "subject digest is sha256:"
                + "ab".repeat(32)
                + ", but the signed resources give sha256:"
                + real);
  }
}
