package dev.modelgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A model signed by a fresh P-256 key through the real {@code sign} command, plus ways to forge
 * variants of its bundle: re-signed statements with chosen content, or edited bundle JSON.
 */
public final class SignedModel {
  public final Path model;
  public final Path signature;
  public final KeyPair keys;
  public final Path privateKey;
  public final Path publicKey;

  private SignedModel(Path model, KeyPair keys, Path privateKey, Path publicKey) {
    this.model = model;
    this.signature = model.resolve("model.sig");
    this.keys = keys;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  public static SignedModel create(Path tmp, Object... signFlags) {
    return signExisting(tmp, TestModels.sample(tmp, "model"), signFlags);
  }

  /**
   * Signs the model directory {@code model} (built by the test) with a fresh key kept in {@code
   * tmp}.
   */
  public static SignedModel signExisting(Path tmp, Path model, Object... signFlags) {
    KeyPair keys = TestKeys.ec("secp256r1");
    Path priv = TestKeys.writePem(tmp.resolve("signer.key"), keys.getPrivate());
    Path pub = TestKeys.writePem(tmp.resolve("signer.pub"), keys.getPublic());
    SignedModel m = new SignedModel(model, keys, priv, pub);
    List<Object> args = new ArrayList<>(List.of("sign", model, "--private-key", priv));
    args.addAll(List.of(signFlags));
    Cli.Result r = Cli.run(args.toArray());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return m;
  }

  /** Runs verify with the signer's public key plus {@code extra} flags. */
  public Cli.Result verify(Object... extra) {
    List<Object> args = new ArrayList<>(List.of("verify", model, "--public-key", publicKey));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray());
  }

  public String statement() {
    return new String(
        Base64.getDecoder().decode(bundle().get("dsseEnvelope").get("payload").asText()),
        StandardCharsets.UTF_8);
  }

  public ObjectNode bundle() {
    try {
      return (ObjectNode) new ObjectMapper().readTree(signature.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void writeBundle(ObjectNode bundle) {
    writeBundle(bundle.toString());
  }

  public void writeBundle(String json) {
    try {
      Files.writeString(signature, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the bundle with a validly signed one over {@code statement} (exact bytes). */
  public void resign(String statement) {
    writeBundle(new String(KeyBundles.sign(keys, statement), StandardCharsets.UTF_8));
  }

  public byte[] sign(byte[] data, String algorithm) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(keys.getPrivate());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
