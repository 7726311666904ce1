package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} gives a claim's writer the cluster's answer: the other workloads of its input stand
 * for the pods whose verifiers name the claim, so a file with a model's Deployment and a Job that
 * writes its claim is denied as the webhook would deny the Job once the model's pods run.
 */
class CheckClaimWritersTest {
  @TempDir Path tmp;
  Path policies;

  static final String MODEL =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: llama-server, namespace: ml}\n"
          + "spec:\n  selector: {matchLabels: {app: llama-server}}\n  template:\n"
          + "    metadata:\n      labels: {app: llama-server}\n"
          + "      annotations: {model.modelgate.dev/llama: 'pvc://models/llama'}\n"
          + "    spec:\n      containers:\n        - name: server\n          image: vllm/vllm-openai:v0.8.5\n"
          + "          args: [--model, /models/llama]\n"
          + "          volumeMounts: [{name: weights, mountPath: /models/llama, subPath: llama, readOnly: true}]\n"
          + "      volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n";

  static final String WRITER =
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: finetune, namespace: ml}\n"
          + "spec:\n  template:\n    metadata: {labels: {app: finetune}}\n    spec:\n"
          + "      restartPolicy: Never\n      containers:\n        - name: train\n          image: python:3.12\n"
          + "          command: [python, finetune.py, --output-dir, /data/llama]\n"
          + "          volumeMounts: [{name: data, mountPath: /data}]\n"
          + "      volumes: [{name: data, persistentVolumeClaim: {claimName: models}}]\n";

  @BeforeEach
  void setUp() throws Exception {
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    policies = Files.createDirectories(tmp.resolve("policies"));
    TestModels.write(
        policies.resolve("serving.yaml"),
        AdmissionHarness.keyPolicy("serving-models", "Enforce", "**", signed.publicKey, "")
            .replace(
                "  match:\n",
                "  match:\n    workloadSelector: {matchLabels: {app: llama-server}}\n"));
  }

  @Test
  void aJobWritingTheClaimOfAModelInTheSameInputIsDenied() throws Exception {
    Path input = TestModels.write(tmp.resolve("all.yaml"), MODEL + "---\n" + WRITER);

    Cli.Result r = Cli.run("check", "--policies", policies, input);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("ADMIT Deployment ml/llama-server")
        .contains("DENY  Job ml/finetune")
        .contains(
            "MODEL_CLAIM_WRITER: container 'train' mounts claim models (volume 'data') writable")
        .contains("(verified on it for Deployment/llama-server");
  }

  @Test
  void theWriterAloneIsAdmittedAndSoIsAReadOnlyTwin() throws Exception {
    Path alone = TestModels.write(tmp.resolve("writer.yaml"), WRITER);
    Path readOnly =
        TestModels.write(
            tmp.resolve("reader.yaml"),
            MODEL
                + "---\n"
                + WRITER.replace(
                    "{name: data, mountPath: /data}",
                    "{name: data, mountPath: /data, readOnly: true}"));

    Cli.Result a = Cli.run("check", "--policies", policies, alone);
    Cli.Result b = Cli.run("check", "--policies", policies, readOnly);

    assertThat(a.exitCode()).as(a.toString()).isZero();
    assertThat(b.exitCode()).as(b.toString()).isZero();
  }
}
