package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.ManifestBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate sign}: sign a model with an EC key (key method) or a key and certificate
 * (certificate method), writing a bundle model_signing can verify.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    synopsisSubcommandLabel = "[key|certificate|sigstore|pkcs11-key|pkcs11-certificate]",
    description = {
      "Sign a model with an EC private key, optionally with its certificate chain, as an OMS bundle.",
      "The bundle is written to model.sig in the model directory unless --signature says otherwise, and is left out of the signed files.",
      "model_signing's form names the method first: modelgate sign key|certificate MODEL_PATH --private-key KEY ... (its --signature defaults to model.sig in the current directory).",
      "sign sigstore, pkcs11-key and pkcs11-certificate are not available here: they say so and exit 2."
    },
    subcommands = {
      SignKeyCommand.class,
      SignCertificateCommand.class,
      UnavailableSignMethods.Sigstore.class,
      UnavailableSignMethods.Pkcs11Key.class,
      UnavailableSignMethods.Pkcs11Certificate.class
    })
final class SignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Optional for picocli, which would otherwise demand it before a method subcommand; call()
  // requires it.
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description = "The model directory or file.")
  Path model;

  @Mixin SignerOptions signer;

  @Option(
      names = "--signature",
      paramLabel = "FILE",
      description =
          "Where to write the bundle (default: model.sig in the model directory, or beside a single-file model).")
  Path signature;

  @Mixin FileRuleOptions files;

  @Mixin HashOptions hash;

  @Option(names = "--json", description = "Print what was signed as one JSON document on stdout.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (model == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing required parameter: 'MODEL' (or name a method: sign key|certificate MODEL_PATH ...)");
    }
    if (!signer.hasPrivateKey()
        && signer.signingCertificate == null
        && signer.certificateChain.isEmpty()) {
      // model_signing signs with Sigstore when no method is named (_PKICmdGroup in
      // src/model_signing/_cli.py).
      return UnavailableSignMethods.refuse(spec, "sigstore");
    }
    if (!signer.hasPrivateKey()) {
      throw new ParameterException(
          spec.commandLine(), "Missing required option: '--private-key=PEM'");
    }
    ManifestBuilder.Manifest manifest = SigningInputs.manifest(model, signature, files, hash, spec);
    byte[] bundle = signer.bundle(manifest.statement());
    Path out = SigningInputs.signaturePath(model, signature);
    writeAtomically(out, bundle);
    report(out, manifest);
    return ExitCode.OK;
  }

  static void writeAtomically(Path out, byte[] bytes) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(
          Reason.NOT_FOUND,
          "cannot write the signature " + out + ": directory " + dir + " does not exist");
    }
    Path tmp = Files.createTempFile(dir, ".modelgate-sign", ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void report(Path out, ManifestBuilder.Manifest m) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("schemaVersion", ResultJson.SIGN_SCHEMA);
      doc.put("model", model.toString());
      doc.put("signature", out.toString());
      doc.put("method", signer.method());
      doc.put("rootDigest", m.rootDigest().toString());
      doc.put("resources", m.resources().size());
      spec.commandLine().getOut().println(ResultJson.write(doc));
    }
    spec.commandLine()
        .getErr()
        .printf(
            "Signed %s (%d resources, root %s) -> %s%n",
            model, m.resources().size(), m.rootDigest(), out);
  }
}
