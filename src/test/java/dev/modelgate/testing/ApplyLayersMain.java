package dev.modelgate.testing;

import dev.modelgate.core.ModelGateException;
import dev.modelgate.oci.ImageFilesystem;
import dev.modelgate.oci.TarFiles;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Applies tar+gzip layer files to a {@code /models} image file system as the modelcar verifier does
 * (keeping the bytes of {@code model.sig}), in a JVM a test starts with a small heap: prints {@code
 * APPLIED <files> <kept bytes>} or {@code REFUSED <reason>: <message>}; an out-of-memory error ends
 * the JVM with a non-zero status.
 */
public final class ApplyLayersMain {
  private ApplyLayersMain() {}

  public static void main(String[] args) {
    ImageFilesystem fs = new ImageFilesystem("/models");
    try {
      for (String a : args) {
        fs.apply(
            TarFiles.readChangeset(
                Path.of(a),
                true,
                1L << 40,
                Instant.now().plusSeconds(300),
                name -> fs.keep(name, "model.sig")));
      }
    } catch (ModelGateException e) {
      System.out.println("REFUSED " + e.reason() + ": " + e.getMessage());
      return;
    }
    ImageFilesystem.ModelFile sig = fs.modelFiles().get("model.sig");
    System.out.println(
        "APPLIED " + fs.modelFiles().size() + " " + (sig == null ? 0 : sig.content().length));
  }
}
