package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.Descriptor;
import dev.modelgate.oci.OciManifest;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.RelativePath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An OCI manifest as the tools that sign a model from its manifest describe it, so that such a
 * statement can be checked from the manifest alone: each layer under its {@code
 * org.opencontainers.image.title}, else {@code layer_NNN.tar.gz} (its index, three digits), with
 * the layer digest, and {@code config.json} with the config blob's digest. That is
 * rh-model-signing's {@code parse_oci_manifest} (securesign/model-transparency {@code
 * src/model_signing/_oci/manifest_parser.py}, 72c50021) and the model_signing Go port's {@code
 * CreateManifestFromOCILayersWithIgnore} (securesign/model-transparency-go {@code
 * pkg/oci/manifest.go}, 309f4baa).
 *
 * <p>Every entry is a digest of bytes the runtime pulls by that same digest, so a statement equal
 * to these entries binds the whole manifest's content. Nothing else is taken from the manifest: no
 * annotation claiming a digest of what is inside a layer ({@code olot.layer.content.digest}) is
 * proof of it. A manifest these names cannot describe (a title twice, an unsafe title, a layer
 * titled {@code config.json}, which would leave the config unnamed, a digest other than sha256) has
 * problems instead, and no statement matches it.
 */
record ManifestEntries(Map<RelativePath, Digest> entries, List<Failure> problems) {
  static final RelativePath CONFIG = RelativePath.parse("config.json");
  static final String TITLE = "org.opencontainers.image.title";

  /** No manifest to compare with: a local model, or a caller that has none. */
  static final ManifestEntries NONE = new ManifestEntries(Map.of(), List.of());

  ManifestEntries {
    entries = Map.copyOf(entries);
    problems = List.copyOf(problems);
  }

  /** What every failure of a statement read as describing the manifest ends with. */
  static final String ABOUT =
      " (the signature describes the OCI manifest: layers by title or layer_NNN.tar.gz, the config as config.json)";

  /** Whether {@code r} failed as a statement of the manifest, not of the files in its layers. */
  static boolean isAbout(VerificationResult r) {
    return r.failures().stream().anyMatch(f -> f.message().endsWith(ABOUT));
  }

  static ManifestEntries of(OciManifest m) {
    Map<RelativePath, Digest> entries = new LinkedHashMap<>();
    List<Failure> problems = new ArrayList<>();
    add(entries, problems, "the config blob", CONFIG.value(), m.config());
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor l = m.layers().get(i);
      String title = l.annotations().getOrDefault(TITLE, "");
      String name =
          title.isEmpty()
              ? String.format(Locale.ROOT, "layer_%03d.tar.gz", i)
              : title.startsWith("./") ? title.substring(2) : title;
      add(entries, problems, "layer " + i + " (" + l.digest() + ")", name, l);
    }
    return new ManifestEntries(entries, problems);
  }

  private static void add(
      Map<RelativePath, Digest> entries,
      List<Failure> problems,
      String what,
      String name,
      Descriptor d) {
    RelativePath path;
    try {
      path = RelativePath.parse(name);
    } catch (InvalidInputException e) {
      problems.add(Failure.about(Reason.PATH_UNSAFE, name, "%s: %s", what, e.getMessage()));
      return;
    }
    if (!d.digest().algorithm().equals("sha256")) {
      problems.add(
          Failure.about(
              Reason.LAYER_NOT_VERIFIABLE,
              path,
              "%s has a %s digest; signatures carry sha256",
              what,
              d.digest().algorithm()));
      return;
    }
    if (entries.containsKey(path)) {
      problems.add(
          Failure.about(
              Reason.DUPLICATE_RESOURCE,
              path,
              "%s is named '%s' like an earlier entry of the manifest, so a signature cannot tell them apart",
              what,
              path));
      return;
    }
    entries.put(path, Digest.fromHex(HashAlgorithm.SHA256, d.digest().hex()));
  }
}
