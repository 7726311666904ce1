package dev.modelgate.cli;

import dev.modelgate.oms.ManifestBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelgate digest}: the OMS root digest of a model, as {@code sign} would compute it. */
@Command(
    name = "digest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print the OMS root digest of a model (sha256:<hex>), the subject digest a signature would carry.",
      "Attestations about the model use this digest as their subject."
    })
final class DigestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The model directory or file.")
  Path model;

  @Option(
      names = "--signature",
      paramLabel = "FILE",
      description = "A signature file to leave out when it lies in the model (default: model.sig).")
  Path signature;

  @Mixin FileRuleOptions files;

  @Mixin HashOptions hash;

  @Override
  public Integer call() {
    ManifestBuilder.Manifest m = SigningInputs.manifest(model, signature, files, hash, spec);
    spec.commandLine().getOut().println(m.rootDigest());
    return ExitCode.OK;
  }
}
