package dev.modelgate.policy.crd;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.SerializationMethod;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.verify.VerifyOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles {@code spec.verification} into the options a verification runs with: paths to ignore,
 * layer downloads and their cap, the model path in an image, and the OMS serializations accepted.
 */
final class OptionsCompiler {
  /** The largest layer download when a policy allows downloads and names no cap: 2 GiB. */
  private static final long DEFAULT_MAX_LAYER_DOWNLOAD = 2L << 30;

  private OptionsCompiler() {}

  /** {@code spec.verification}; {@code at} is its scope. */
  static VerifyOptions compile(ModelPolicySpec.Verification v, CompileErrors at) {
    if (v == null) {
      return VerifyOptions.DEFAULTS;
    }
    List<RelativePath> ignore = new ArrayList<>();
    for (int i = 0; v.ignorePaths != null && i < v.ignorePaths.size(); i++) {
      try {
        ignore.add(RelativePath.parse(v.ignorePaths.get(i)));
      } catch (InvalidInputException e) {
        at.at("ignorePaths").at(i).add(Kind.PATH_INVALID, e.getMessage());
      }
    }
    long download = 0;
    if (Boolean.TRUE.equals(v.allowLayerDownload)) {
      download =
          v.maxLayerDownloadBytes == null ? DEFAULT_MAX_LAYER_DOWNLOAD : v.maxLayerDownloadBytes;
      if (download < 1) {
        at.at("maxLayerDownloadBytes").add(Kind.VALUE_INVALID, "must be positive, not " + download);
        download = 0;
      }
    }
    String modelPath = v.imageModelPath == null ? "/models" : v.imageModelPath;
    String problem = VerifyOptions.imageModelPathProblem(modelPath);
    if (problem != null) {
      at.at("imageModelPath").add(Kind.PATH_INVALID, problem);
      modelPath = "/models";
    }
    return new VerifyOptions(
            ignore,
            Boolean.TRUE.equals(v.ignoreUnsignedFiles),
            Boolean.TRUE.equals(v.allowSymlinks),
            true,
            download,
            modelPath)
        .withSerializations(serializations(v.serializations, at.at("serializations")));
  }

  /** The OMS serializations accepted; none named (null) is every one. */
  private static Set<SerializationMethod> serializations(List<String> names, CompileErrors at) {
    Set<SerializationMethod> methods = new HashSet<>();
    if (names == null) {
      return methods;
    }
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Optional<SerializationMethod> m =
          Arrays.stream(SerializationMethod.values())
              .filter(x -> x.omsName().equals(name))
              .findFirst();
      if (m.isPresent()) {
        methods.add(m.get());
      } else {
        at.at(i)
            .add(Kind.VALUE_INVALID, "'" + name + "' is not an OMS serialization (files, shards)");
      }
    }
    if (names.isEmpty()) {
      at.add(Kind.VALUE_INVALID, "is empty; omit it to accept both files and shards");
    }
    return methods;
  }
}
