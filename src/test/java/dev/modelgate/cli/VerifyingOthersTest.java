package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/verifying-others.md: every policy YAML on the page compiles as {@code check} and {@code
 * serve} compile a policy directory (a vendor certificate or key marked PASTE is replaced by the
 * project's test material, as the page says), and the IBM identity pattern admits the reference's
 * own IBM-signed fixture.
 */
class VerifyingOthersTest {
  static final Path PAGE = Path.of("docs/verifying-others.md");
  static final Pattern YAML = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
  static final Pattern PASTED =
      Pattern.compile(
          "( *)-----BEGIN (CERTIFICATE|PUBLIC KEY)-----\n *PASTE[^\n]*\n *-----END \\2-----\n");

  @TempDir Path tmp;

  static List<String> blocks() throws Exception {
    List<String> out = new ArrayList<>();
    Matcher m = YAML.matcher(Files.readString(PAGE));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The block with PASTE placeholders replaced by the test CA and test key, indented alike. */
  static String withTestMaterial(String yaml) throws Exception {
    Matcher m = PASTED.matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Path pem =
          Path.of(
              m.group(2).equals("CERTIFICATE")
                  ? "testdata/keys/root.pem"
                  : "testdata/keys/signer.pub");
      String indent = m.group(1);
      StringBuilder block = new StringBuilder();
      Files.readString(pem).lines().forEach(l -> block.append(indent).append(l).append('\n'));
      m.appendReplacement(out, Matcher.quoteReplacement(block.toString()));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Test
  void everyPolicyOnThePageCompiles() throws Exception {
    List<String> blocks = blocks();

    assertThat(blocks).hasSizeGreaterThanOrEqualTo(6);
    for (int i = 0; i < blocks.size(); i++) {
      String yaml = withTestMaterial(blocks.get(i));
      assertThat(yaml).as("block %d still has a placeholder", i).doesNotContain("PASTE the key");
      Path dir = Files.createDirectories(tmp.resolve("block" + i));
      Files.writeString(dir.resolve("policy.yaml"), yaml);

      List<CompiledPolicy> policies =
          DirectoryPolicyStore.load(dir, PolicyCompiler.withEmbeddedPublicGoodRoot()).policies();

      assertThat(policies).as("block %d:\n%s", i, yaml).isNotEmpty();
      for (CompiledPolicy p : policies) {
        assertThat(p.errors()).as("block %d:\n%s", i, yaml).isEmpty();
      }
    }
  }

  @Test
  void theIbmIdentityPatternAdmitsTheReferencesIbmSignature() throws Exception {
    String ibm =
        blocks().stream().filter(b -> b.contains("name: ibm-granite")).findFirst().orElseThrow();
    Matcher m = Pattern.compile("subjectRegExp: '([^']*)'").matcher(ibm);
    assertThat(m.find()).isTrue();

    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-sigstore"),
            "--identity-regex",
            m.group(1),
            "--identity-provider",
            "https://sigstore.verify.ibm.com/oauth2");

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }
}
