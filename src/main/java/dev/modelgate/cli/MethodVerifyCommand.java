package dev.modelgate.cli;

import dev.modelgate.oms.ModelHasher;
import dev.modelgate.trust.SignatureVerifier;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.VerificationRequest;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate verify key|certificate|sigstore}: model_signing's verify grammar
 * (src/model_signing/_cli.py @ e3430730), with its option names and defaults: {@code --signature}
 * is required, relative paths are taken from the current directory. The checks are ModelGate's own,
 * the same as the flag form's.
 */
abstract class MethodVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL_PATH",
      description = "The model directory or single file ('.' inside the model directory).")
  Path model;

  @Option(
      names = "--signature",
      required = true,
      paramLabel = "SIGNATURE_PATH",
      description = "The signature (OMS bundle) to verify.")
  Path signature;

  @Mixin MethodFileOptions files;

  @Option(
      names = "--ignore-unsigned-files",
      negatable = true,
      description =
          "Check only the files the signature names; accept extra files. Unsafe: unsigned code or weights pass.")
  boolean ignoreUnsignedFiles;

  @Option(
      names = "--json",
      description =
          "Print the result as one JSON document on stdout (instead of 'Verification succeeded').")
  boolean json;

  /** The signer check of this method, from its own options. */
  abstract SignatureVerifier verifier();

  @Override
  public Integer call() {
    SignatureVerifier verifier = verifier();
    VerifyOptions options =
        new VerifyOptions(
            files.inside(model, spec.commandLine().getErr()),
            ignoreUnsignedFiles,
            files.allowSymlinks,
            files.gitPaths.ignoreGitPaths);
    TerminalProgress progress = TerminalProgress.forConsole(spec.commandLine().getErr());
    VerificationResult result =
        new ModelVerifier(ModelHasher.allCores())
            .verify(new VerificationRequest(model, signature, options, progress), verifier);
    return VerificationReport.finish(spec, result, json, true);
  }
}
