package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.inpod.VerifierContainer;
import dev.modelgate.inpod.VerifierOutcome;
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.InjectedVerifier;
import dev.modelgate.testing.SchedulerPods;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The verifier /mutate injects for the LLMInferenceService scheduler's tokenizer-only download
 * ({@link SchedulerPods}, from kserve/kserve at aaac4e294dae2c7b1aa1886447793f3aa1c30912
 * pkg/controller/v1alpha2/llmisvc/workload_storage.go), run as its own process with the injected
 * container's arguments and environment, on a directory filled as the storage-initializer fills it
 * from a signed Hugging Face repository: {@code snapshot_download(local_dir=/mnt/models,
 * allow_patterns=…)} writes the files the patterns select (python/storage/kserve_storage/
 * kserve_storage.py _download_hf) and huggingface_hub's own metadata under {@code
 * .cache/huggingface/} ({@code .gitignore}, and a {@code .metadata} and {@code .lock} file per
 * download: src/huggingface_hub/_local_folder.py at ee0a4510f4bc15e26cb722be2efc2bdb01383ca0),
 * which the policy ignores ({@code verification.ignorePaths}, as for any hf:// download).
 */
class PartialDownloadVerifierProcessTest {
  static final String URI = "hf://meta-llama/Llama-3.1-8B-Instruct";
  static final String IGNORE_HF_METADATA =
      "  verification:\n    ignorePaths: [.cache/huggingface]\n";

  /** A Hugging Face repository's files: the seven the scheduler downloads, weights, card. */
  static final List<String> SELECTED =
      DownloadSelection.parseKServeValue(SchedulerPods.TOKENIZER_ONLY);

  static final List<String> NOT_SELECTED =
      List.of(
          "model-00001-of-00002.safetensors",
          "model-00002-of-00002.safetensors",
          "model.safetensors.index.json",
          "README.md");

  @TempDir Path tmp;
  SignedModel published;
  Path volume;

  @BeforeEach
  void setUp() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    for (String f : SELECTED) {
      TestModels.write(repo.resolve(f), "{\"" + f + "\": \"signed\"}\n");
    }
    for (String f : NOT_SELECTED) {
      TestModels.write(repo.resolve(f), "weights of " + f + "\n".repeat(64));
    }
    published = SignedModel.signExisting(tmp, repo);
    volume = Files.createDirectories(tmp.resolve("kserve-provision-location"));
  }

  /** /mutate on the scheduler pod under one policy over every model; the verifier it injects. */
  private JsonNode injectedVerifier(ObjectNode pod, String extraPolicy) throws Exception {
    AdmissionHarness harness =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "every-model", "Enforce", "**", published.publicKey, extraPolicy));
    JsonNode patched = AdmissionHarness.patched(harness.review(pod, true), pod);
    assertThat(harness.review(patched, false).allowed()).isTrue();
    JsonNode verifier = patched.at("/spec/initContainers/1");
    assertThat(verifier.path("name").asText()).isEqualTo("modelgate-verify-kserve-storage");
    return verifier;
  }

  /** What snapshot_download leaves in local_dir for {@code files}. */
  private void snapshotDownload(List<String> files) throws Exception {
    Path meta = volume.resolve(".cache/huggingface");
    TestModels.write(meta.resolve(".gitignore"), "*");
    for (String f : files) {
      Files.copy(published.model.resolve(f), volume.resolve(f));
      TestModels.write(
          meta.resolve("download/" + f + ".metadata"),
          "0e9e39f249a16976918f6564b8830bc894c89659\n\"etag\"\n1765000000.0\n");
      TestModels.write(meta.resolve("download/" + f + ".lock"), "");
    }
  }

  private List<String> tokenizerDownload() {
    List<String> files = new ArrayList<>(SELECTED);
    files.add("model.sig");
    return files;
  }

  private InjectedVerifier.Run verifyTokenizerDownload() throws Exception {
    return InjectedVerifier.run(
        injectedVerifier(SchedulerPods.pod(URI), IGNORE_HF_METADATA), volume, tmp);
  }

  @Test
  void aTokenizerOnlyDownloadOfASignedModelPassesAndSaysItWasPartial() throws Exception {
    snapshotDownload(tokenizerDownload());

    InjectedVerifier.Run r = verifyTokenizerDownload();

    assertThat(r.exit()).as(r.log()).isZero();
    assertThat(r.log())
        .contains(
            "model 'kserve-storage' ("
                + URI
                + ") verified by ClusterModelPolicy/every-model, signed by")
        .contains(
            "partial download: verified 7 of 11 signed files (the 7 STORAGE_ALLOW_PATTERNS selects)");
    VerifierOutcome outcome = VerifierOutcome.parse(r.termination());
    assertThat(outcome.results())
        .singleElement()
        .satisfies(
            res -> {
              assertThat(res.passed()).isTrue();
              assertThat(res.message())
                  .isEqualTo(
                      "verified 7 of 11 signed files (the 7 STORAGE_ALLOW_PATTERNS selects)");
            });
  }

  @Test
  void anUnsignedExtraFileFails() throws Exception {
    snapshotDownload(tokenizerDownload());
    TestModels.write(volume.resolve("tokenizer.model"), "an unsigned sentencepiece model");

    InjectedVerifier.Run r = verifyTokenizerDownload();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination())
        .startsWith(
            "model 'kserve-storage' ("
                + URI
                + ") failed ClusterModelPolicy/every-model: UNSIGNED_FILE: file 'tokenizer.model'");
  }

  @Test
  void aChangedTokenizerFails() throws Exception {
    snapshotDownload(tokenizerDownload());
    TestModels.write(volume.resolve("tokenizer.json"), "{\"added_tokens\": [\"<evil>\"]}");

    InjectedVerifier.Run r = verifyTokenizerDownload();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination()).contains("DIGEST_MISMATCH: file 'tokenizer.json' has sha256:");
  }

  @Test
  void aSelectedSignedFileMissingFails() throws Exception {
    List<String> files = tokenizerDownload();
    files.remove("merges.txt");
    snapshotDownload(files);

    InjectedVerifier.Run r = verifyTokenizerDownload();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination()).contains("FILE_MISSING: signed file 'merges.txt' is missing");
  }

  @Test
  void aSignedFileThePatternsDoNotSelectIsStillCheckedWhenPresent() throws Exception {
    snapshotDownload(tokenizerDownload());
    TestModels.write(volume.resolve("model-00001-of-00002.safetensors"), "other weights");

    InjectedVerifier.Run r = verifyTokenizerDownload();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination()).contains("file 'model-00001-of-00002.safetensors'");
  }

  @Test
  void withoutTheSignatureTheDownloadFails() throws Exception {
    List<String> files = tokenizerDownload();
    files.remove("model.sig");
    snapshotDownload(files);

    InjectedVerifier.Run r = verifyTokenizerDownload();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination()).contains("NOT_FOUND: signature file");
  }

  @Test
  void huggingFaceMetadataIsAnUnsignedFileUnlessThePolicyIgnoresIt() throws Exception {
    snapshotDownload(tokenizerDownload());

    InjectedVerifier.Run r =
        InjectedVerifier.run(injectedVerifier(SchedulerPods.pod(URI), ""), volume, tmp);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination()).contains("UNSIGNED_FILE: file '.cache/huggingface/");
  }

  @Test
  void patternsThatSelectNoSignedFileVerifyNothingAndFail() throws Exception {
    ObjectNode pod = SchedulerPods.pod(URI);
    ((ObjectNode) pod.at("/spec/initContainers/0/env/3")).put("value", "[\"*.gguf\"]");
    JsonNode verifier = injectedVerifier(pod, IGNORE_HF_METADATA);
    snapshotDownload(List.of("model.sig"));

    InjectedVerifier.Run r = InjectedVerifier.run(verifier, volume, tmp);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination())
        .contains(
            "PARTIAL_DOWNLOAD_EMPTY: STORAGE_ALLOW_PATTERNS [*.gguf, model.sig] selects none of the 11 signed files");
  }

  @Test
  void checkAdmitsTheSchedulerDeploymentAndDeniesItWithPatternsFromValueFrom() throws Exception {
    Path policies = Files.createDirectories(tmp.resolve("policies"));
    TestModels.write(
        policies.resolve("p.yaml"),
        AdmissionHarness.keyPolicy(
            "every-model", "Enforce", "**", published.publicKey, IGNORE_HF_METADATA));
    ObjectNode deployment = SchedulerPods.deployment(URI);
    Path yaml = TestModels.write(tmp.resolve("scheduler.json"), deployment.toString());

    Cli.Result admitted = Cli.run("check", "--policies", policies, yaml);

    assertThat(admitted.exitCode()).as(admitted.toString()).isZero();
    assertThat(admitted.err()).as(admitted.toString()).contains("1 model found");

    ObjectNode e = (ObjectNode) deployment.at("/spec/template/spec/initContainers/0/env/3");
    e.remove("value");
    e.putObject("valueFrom").putObject("configMapKeyRef").put("name", "p").put("key", "k");
    TestModels.write(yaml, deployment.toString());

    Cli.Result denied = Cli.run("check", "--policies", policies, yaml);

    assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(1);
    assertThat(denied.err())
        .contains("MODEL_SOURCE_UNSUPPORTED")
        .contains("STORAGE_ALLOW_PATTERNS comes from valueFrom");
  }

  @Test
  void theArgumentsMutateSpellsAreWhatVerifyVolumeParses() throws Exception {
    JsonNode verifier = injectedVerifier(SchedulerPods.pod(URI), IGNORE_HF_METADATA);
    List<String> args = new ArrayList<>();
    verifier.path("args").forEach(a -> args.add(a.asText()));

    VerifyVolumeCommand parsed = new VerifyVolumeCommand();
    VerifyVolumeCommand.configure(new CommandLine(parsed))
        .parseArgs(args.subList(1, args.size()).toArray(new String[0]));

    List<String> patterns = new ArrayList<>(SELECTED);
    patterns.add("model.sig");
    assertThat(parsed.allowPatterns).isEqualTo(patterns);
    assertThat(parsed.modelUri).isEqualTo(URI);
    assertThat(
            VerifierContainer.Invocation.parse(verifier.path("args")).orElseThrow().allowPatterns())
        .isEqualTo(patterns);
  }

  @Test
  void patternsThatLookLikeOptionsStayPatterns() throws Exception {
    ObjectNode pod = SchedulerPods.pod(URI);
    ((ObjectNode) pod.at("/spec/initContainers/0/env/3"))
        .put("value", "[\"--policies=/tmp\", \"@/etc/passwd\", \"--allow-pattern=*\", \"-h\"]");
    JsonNode verifier = injectedVerifier(pod, IGNORE_HF_METADATA);
    List<String> args = new ArrayList<>();
    verifier.path("args").forEach(a -> args.add(a.asText()));

    VerifyVolumeCommand parsed = new VerifyVolumeCommand();
    VerifyVolumeCommand.configure(new CommandLine(parsed))
        .parseArgs(args.subList(1, args.size()).toArray(new String[0]));

    assertThat(parsed.allowPatterns)
        .containsExactly("--policies=/tmp", "@/etc/passwd", "--allow-pattern=*", "-h", "model.sig");
    assertThat(parsed.policies).isNull();
    // Only the one-argument form is read back: a separate value is another argument list.
    ArrayNode split = (ArrayNode) verifier.path("args").deepCopy();
    split.add("--allow-pattern").add("*");
    assertThat(VerifierContainer.Invocation.parse(split)).isEmpty();
  }
}
