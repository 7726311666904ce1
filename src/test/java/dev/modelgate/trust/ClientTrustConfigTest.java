package dev.modelgate.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * model_signing's {@code --trust-config} file (a Sigstore ClientTrustConfig): the fixture is the
 * one its own tests use (tests/_signing/testdata/custom_trust_config.json,
 * sigstore/model-transparency @ e3430730). Its trusted root is what counts; anything that is not a
 * ClientTrustConfig is refused.
 */
class ClientTrustConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path fixture() {
    return Fixtures.oms("trust/custom_trust_config.json");
  }

  private static ObjectNode fixtureTree() throws Exception {
    return (ObjectNode) JSON.readTree(Files.readAllBytes(fixture()));
  }

  private static InvalidInputException refused(String json) {
    try {
      SigstoreTrustRoot.fromClientTrustConfig(json.getBytes(StandardCharsets.UTF_8), "test config");
    } catch (InvalidInputException e) {
      assertThat(e.reason()).isEqualTo(Reason.TRUST_ROOT_INVALID);
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void modelSigningsCustomTrustConfigLoadsItsTrustedRootAndIgnoresItsSigningConfig() {
    SigstoreTrustRoot root = SigstoreTrustRoot.fromClientTrustConfigFile(fixture());

    assertThat(root.source()).isEqualTo(fixture() + " (its trustedRoot)");
  }

  @Test
  void camelCaseFieldNamesAreReadAsProtobufJsonReadsThem() throws Exception {
    ObjectNode cfg = fixtureTree();
    cfg.set("signingConfig", cfg.remove("signing_config"));

    assertThat(
            SigstoreTrustRoot.fromClientTrustConfig(JSON.writeValueAsBytes(cfg), "camel").source())
        .isEqualTo("camel (its trustedRoot)");
  }

  @Test
  void aTrustedRootFileIsRefusedWithAPointerToTheRightOption() throws Exception {
    String trustedRoot =
        Files.readString(
            Fixtures.shared().resolve("fixtures/sigstore/public-good-trusted_root.json"));

    assertThat(refused(trustedRoot))
        .hasMessageContaining("this is a trusted_root.json: pass it as a trusted root");
  }

  @Test
  void anotherMediaTypeVersionIsRefused() throws Exception {
    ObjectNode cfg = fixtureTree();
    cfg.put("mediaType", "application/vnd.dev.sigstore.clienttrustconfig.v0.2+json");

    assertThat(refused(JSON.writeValueAsString(cfg)))
        .hasMessageContaining(
            "has mediaType \"application/vnd.dev.sigstore.clienttrustconfig.v0.2+json\", expected");
  }

  @Test
  void missingMediaTypeIsRefused() throws Exception {
    ObjectNode cfg = fixtureTree();
    cfg.remove("mediaType");

    assertThat(refused(JSON.writeValueAsString(cfg))).hasMessageContaining("has no mediaType");
  }

  @Test
  void missingTrustedRootIsRefused() throws Exception {
    ObjectNode cfg = fixtureTree();
    cfg.remove("trustedRoot");

    assertThat(refused(JSON.writeValueAsString(cfg)))
        .hasMessageContaining("has no trustedRoot object");
  }

  @Test
  void trustedRootUnderBothSpellingsIsRefusedRatherThanPickingOne() throws Exception {
    ObjectNode cfg = fixtureTree();
    cfg.set("trusted_root", cfg.get("trustedRoot").deepCopy());

    assertThat(refused(JSON.writeValueAsString(cfg)))
        .hasMessageContaining("has its trusted root twice");
  }

  @Test
  void duplicateKeysAreRefused() throws Exception {
    String cfg = Files.readString(fixture());
    String twice = cfg.replaceFirst("\\{", "{\"trustedRoot\": {},");

    assertThat(refused(twice))
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("Duplicate field 'trustedRoot'");
  }

  @Test
  void unknownFieldsAreRefused() throws Exception {
    ObjectNode cfg = fixtureTree();
    cfg.put("trustedRoots", "typo");

    assertThat(refused(JSON.writeValueAsString(cfg)))
        .hasMessageContaining("unknown field 'trustedRoots'");
  }

  @Test
  void aTrustedRootWithoutCertificateAuthoritiesIsRefusedAtLoadTime() throws Exception {
    ObjectNode cfg = fixtureTree();
    ((ObjectNode) cfg.get("trustedRoot")).putArray("certificateAuthorities");

    assertThat(refused(JSON.writeValueAsString(cfg)))
        .hasMessageContaining("(its trustedRoot) lists no certificate authority");
  }

  @Test
  void emptyNonJsonAndNonObjectDocumentsAreRefused() {
    assertThat(refused("")).hasMessageContaining("is empty");
    assertThat(refused("{\"mediaType\": ")).hasMessageContaining("is not valid JSON");
    assertThat(refused("[]")).hasMessageContaining("is not a JSON object");
  }

  @Test
  void missingFileIsNotFound() {
    assertThatThrownBy(
            () ->
                SigstoreTrustRoot.fromClientTrustConfigFile(
                    fixture().resolveSibling("absent.json")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("trust config")
        .hasMessageContaining("does not exist")
        .extracting(e -> ((InvalidInputException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }
}
