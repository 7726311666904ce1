package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Model.CommandSpec;

/** Where {@code bom} puts its document: stdout, or a file written whole or not at all. */
final class BomOutput {
  private BomOutput() {}

  /** The document to {@code output}, or stdout; a file is written whole or not at all. */
  static void write(CommandSpec spec, String json, Path output) {
    if (output == null) {
      spec.commandLine().getOut().println(json);
      return;
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(output.toAbsolutePath().getParent(), ".bom-", ".json");
      Files.writeString(tmp, json + "\n");
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR, "cannot write " + output + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // The BOM itself is written or reported as not written; a stray temp file is not worth
          // more.
        }
      }
    }
  }
}
