package dev.modelgate.cli;

import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.ManifestBuilder;
import dev.modelgate.oms.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate sign key|certificate}: model_signing's sign grammar (src/model_signing/_cli.py @
 * e3430730): the signature goes to {@code model.sig} in the current directory unless {@code
 * --signature} says otherwise, files are hashed whole with SHA-256 (its default), and a signature
 * inside the model is left out of what is signed.
 */
abstract class MethodSignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL_PATH",
      description = "The model directory or single file ('.' inside the model directory).")
  Path model;

  @Option(
      names = "--signature",
      paramLabel = "SIGNATURE_PATH",
      defaultValue = "model.sig",
      description = "Where to write the signature (default: model.sig in the current directory).")
  Path signature;

  @Mixin MethodFileOptions files;

  @Option(
      names = "--json",
      description =
          "Print what was signed as one JSON document on stdout (instead of 'Signing succeeded').")
  boolean json;

  /** The bundle over {@code statement}, signed as this method signs. */
  abstract byte[] bundle(byte[] statement);

  abstract String method();

  @Override
  public Integer call() throws IOException {
    ManifestBuilder.Manifest m =
        SigningInputs.manifest(
            model,
            signature,
            files.inside(model, spec.commandLine().getErr()),
            files.gitPaths.ignoreGitPaths,
            Serialization.files(HashAlgorithm.SHA256, files.allowSymlinks),
            spec);
    byte[] bundle = bundle(m.statement());
    SignCommand.writeAtomically(signature, bundle);
    spec.commandLine()
        .getErr()
        .printf(
            "Signed %s (%d resources, root %s) -> %s%n",
            model, m.resources().size(), m.rootDigest(), signature);
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("schemaVersion", ResultJson.SIGN_SCHEMA);
      doc.put("model", model.toString());
      doc.put("signature", signature.toString());
      doc.put("method", method());
      doc.put("rootDigest", m.rootDigest().toString());
      doc.put("resources", m.resources().size());
      spec.commandLine().getOut().println(ResultJson.write(doc));
    } else {
      spec.commandLine().getOut().println("Signing succeeded");
    }
    return ExitCode.OK;
  }
}
