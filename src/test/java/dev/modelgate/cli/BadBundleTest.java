package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.oms.BundleWriter;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.Pae;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.trust.PublicKeyHint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or broken signature bundles: each is rejected with exit code 1 and a specific reason,
 * never a stack trace. Forged statements are validly signed, so the check under test is the one
 * that must catch them.
 */
class BadBundleTest {
  @TempDir Path tmp;
  SignedModel signed;

  @BeforeEach
  void sign() {
    signed = SignedModel.create(tmp);
  }

  private void assertRejected(String expected) {
    Cli.Result r = signed.verify();
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains(expected).doesNotContain("Exception");
  }

  @Test
  void malformedJsonIsRejected() {
    signed.writeBundle("{\"mediaType\": ");
    assertRejected("BUNDLE_MALFORMED: signature bundle is not valid JSON");
  }

  @Test
  void truncatedBundleIsRejected() throws Exception {
    byte[] whole = Files.readAllBytes(signed.signature);
    Files.write(signed.signature, Arrays.copyOf(whole, whole.length / 2));
    assertRejected("BUNDLE_MALFORMED: signature bundle is not valid JSON");
  }

  @Test
  void oversizedBundleIsRejectedBeforeParsing() throws Exception {
    Files.write(signed.signature, new byte[17 * 1024 * 1024]);
    assertRejected(
        "LIMIT_EXCEEDED: signature file "
            + signed.signature
            + " has 17825792 bytes, more than the limit of 16777216");
  }

  @Test
  void duplicateJsonKeysAreRejected() {
    String json = signed.bundle().toString();
    signed.writeBundle(json.replaceFirst("\\{", "{\"mediaType\":\"x\","));
    assertRejected(
        "BUNDLE_MALFORMED: signature bundle is not valid JSON: Duplicate field 'mediaType'");
  }

  @Test
  void wrongMediaTypeIsRejected() {
    ObjectNode b = signed.bundle();
    b.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
    signed.writeBundle(b);
    assertRejected(
        "BUNDLE_VERSION_UNSUPPORTED: signature bundle has mediaType 'application/vnd.dev.sigstore.bundle+json;version=0.1'");
  }

  @Test
  void wrongPayloadTypeIsRejected() {
    ObjectNode b = signed.bundle();
    ((ObjectNode) b.get("dsseEnvelope")).put("payloadType", "text/plain");
    signed.writeBundle(b);
    assertRejected(
        "PAYLOAD_TYPE_UNSUPPORTED: envelope payloadType is 'text/plain', expected application/vnd.in-toto+json");
  }

  @Test
  void twoSignaturesAreRejected() {
    ObjectNode b = signed.bundle();
    ArrayNode sigs = (ArrayNode) b.get("dsseEnvelope").get("signatures");
    sigs.add(sigs.get(0).deepCopy());
    signed.writeBundle(b);
    assertRejected("SIGNATURE_COUNT: envelope has 2 signatures, expected exactly 1");
  }

  @Test
  void noSignatureIsRejected() {
    ObjectNode b = signed.bundle();
    ((ArrayNode) b.get("dsseEnvelope").get("signatures")).removeAll();
    signed.writeBundle(b);
    assertRejected("SIGNATURE_COUNT: envelope has 0 signatures, expected exactly 1");
  }

  @Test
  void tamperedPayloadFailsTheSignature() {
    signed.writeBundle(
        signed
            .bundle()
            .toString()
            .replace(
                signed.bundle().at("/dsseEnvelope/payload").asText(),
                Base64.getEncoder()
                    .encodeToString(
                        signed
                            .statement()
                            .replace("config.json", "config.jsom")
                            .getBytes(StandardCharsets.UTF_8))));
    assertRejected("SIGNATURE_INVALID: DSSE signature does not verify with the given public key");
  }

  @Test
  void signatureFromAnotherKeyIsRejectedAndNamesTheKey() throws Exception {
    byte[] payload = signed.statement().getBytes(StandardCharsets.UTF_8);
    SignedModel forger = SignedModel.create(Files.createDirectories(tmp.resolve("forger")));
    byte[] sig =
        forger.sign(Pae.encode(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload), "SHA256withECDSA");
    signed.writeBundle(
        new String(
            BundleWriter.withPublicKeyHint(PublicKeyHint.of(forger.keys.getPublic()), payload, sig),
            StandardCharsets.UTF_8));

    Cli.Result r = signed.verify();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "KEY_MISMATCH: bundle was signed by the key with hint "
                + PublicKeyHint.of(forger.keys.getPublic()))
        .contains("SIGNATURE_INVALID");
  }

  @Test
  void subjectDigestThatIsNotTheRootDigestIsRejected() {
    String st = signed.statement();
    String subject =
        signed.bundle().isNull()
            ? ""
            : st.replaceAll("(?s).*\"sha256\": \"([0-9a-f]{64})\".*", "$1");
    signed.resign(st.replace(subject, "0".repeat(64)));
    assertRejected(
        "SUBJECT_DIGEST_MISMATCH: subject digest is sha256:"
            + "0".repeat(64)
            + ", but the signed resources give sha256:"
            + subject);
  }

  @Test
  void unknownHashAlgorithmIsRejected() {
    signed.resign(
        signed.statement().replace("\"hash_type\": \"sha256\"", "\"hash_type\": \"md5\""));
    assertRejected("HASH_ALGORITHM_UNSUPPORTED: unsupported hash algorithm 'md5'");
  }

  @Test
  void digestOfTheWrongLengthIsRejected() {
    String st = signed.statement();
    String first = st.replaceAll("(?s).*?\"digest\": \"([0-9a-f]{64})\".*", "$1");
    signed.resign(
        st.replace("\"digest\": \"" + first + "\"", "\"digest\": \"" + first.substring(2) + "\""));
    assertRejected("DIGEST_MALFORMED");
    assertThat(signed.verify().err()).contains("a sha256 digest has 64 hex characters, got 62");
  }

  @Test
  void duplicateResourceNamesAreRejected() {
    signed.resign(signed.statement().replace("\"name\": \"config.json\"", "\"name\": \"empty\""));
    assertRejected("DUPLICATE_RESOURCE: statement lists resource 'empty' more than once");
  }

  @Test
  void anEmptyManifestIsRejectedEvenForAnEmptyDirectory() throws Exception {
    String st = signed.statement().replaceAll("(?s)\"resources\": \\[.*?\\]", "\"resources\": []");
    signed.resign(st);
    for (Path p :
        List.of(
                "config.json",
                "model.safetensors",
                "tokenizer/vocab.txt",
                "tokenizer.json",
                "empty")
            .stream()
            .map(signed.model::resolve)
            .toList()) {
      Files.delete(p);
    }

    assertRejected(
        "STATEMENT_MALFORMED: statement lists no resources; OMS v1.0 requires at least one");
  }

  @Test
  void aSignedNameHoldingAReplacementCharacterIsRejected() {
    signed.resign(
        signed.statement().replace("\"name\": \"config.json\"", "\"name\": \"config\uFFFD.json\""));
    assertRejected(
        "PATH_UNSAFE: unsafe path 'config\uFFFD.json': is not valid UTF-8 or contains U+FFFD");
  }

  @Test
  void dotDotInResourceNameIsRejected() {
    signed.resign(
        signed.statement().replace("\"name\": \"config.json\"", "\"name\": \"../../etc/passwd\""));
    assertRejected("PATH_UNSAFE: unsafe path '../../etc/passwd': contains '..'");
  }

  @Test
  void absoluteResourceNameIsRejected() {
    signed.resign(
        signed.statement().replace("\"name\": \"config.json\"", "\"name\": \"/etc/passwd\""));
    assertRejected("PATH_UNSAFE: unsafe path '/etc/passwd': absolute");
  }

  @Test
  void dotDotInSignedIgnorePathsIsRejected() {
    signed.resign(signed.statement().replace("\"model.sig\"", "\"../outside\""));
    assertRejected("PATH_UNSAFE: unsafe path '../outside': contains '..'");
  }

  @Test
  void legacyV02EncodingCannotCarryAModernStatement() {
    byte[] payload = signed.statement().getBytes(StandardCharsets.UTF_8);
    byte[] sig =
        signed.sign(
            Pae.encodeLegacyV02(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload), "SHA256withECDSA");
    signed.writeBundle(
        new String(
            BundleWriter.withPublicKeyHint(PublicKeyHint.of(signed.keys.getPublic()), payload, sig),
            StandardCharsets.UTF_8));
    assertRejected(
        "SIGNATURE_INVALID: signature uses the model_signing v0.2 encoding, which is accepted only for predicate https://model_signing/Digests/v0.1");
  }

  @Test
  void missingSignatureFileIsBadInputNotADenial() throws Exception {
    Files.delete(signed.signature);

    Cli.Result r = signed.verify();

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("NOT_FOUND: signature file " + signed.signature + " does not exist");
  }
}
