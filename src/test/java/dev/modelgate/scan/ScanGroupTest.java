package dev.modelgate.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.testing.ControllerPods;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pods grouped by the workload that controls them, following the controller references Kubernetes'
 * controllers set ({@link ControllerPods}): one verification for all the replicas of one template.
 */
class ScanGroupTest {
  static final String TEMPLATE =
      "metadata:\n  labels: {app: llm}\n  annotations:\n    model.modelgate.dev/llm: oci://registry.example/models/llm@sha256:"
          + "a".repeat(64)
          + "\nspec:\n  containers: [{name: server, image: vllm}]\n";

  static OwnerChain.Lookup objects(JsonNode... objects) {
    return (namespace, kind, name) -> {
      for (JsonNode o : objects) {
        if (o.path("kind").asText().equals(kind)
            && o.at("/metadata/namespace").asText().equals(namespace)
            && o.at("/metadata/name").asText().equals(name)) {
          return Optional.of(o);
        }
      }
      return Optional.empty();
    };
  }

  @Test
  void fiveHundredReplicasOfADeploymentAreOneGroupOwnedByTheDeployment() {
    ObjectNode deployment = ControllerPods.deployment("ml", "llm", TEMPLATE);
    ObjectNode rs = ControllerPods.replicaSet(deployment, "7d4b9c8f5");
    List<RunningPod> pods = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      pods.add(RunningPod.of(ControllerPods.pod(rs, String.format("p%04d", i)), objects(rs)));
    }

    List<ScanGroup> groups = ScanGroup.of(pods);

    assertThat(groups).singleElement().satisfies(g -> assertThat(g.pods()).hasSize(500));
    assertThat(groups.get(0).workload())
        .isEqualTo(
            ObjectReference.of(
                "apps/v1", "Deployment", "ml", "llm", deployment.at("/metadata/uid").asText()));
  }

  @Test
  void aRolloutIsTwoGroupsOfTheSameDeployment() {
    ObjectNode deployment = ControllerPods.deployment("ml", "llm", TEMPLATE);
    ObjectNode old = ControllerPods.replicaSet(deployment, "7d4b9c8f5");
    ObjectNode next = ControllerPods.replicaSet(deployment, "5f6c8d9b7");
    OwnerChain.Lookup owners = objects(old, next);

    List<ScanGroup> groups =
        ScanGroup.of(
            List.of(
                RunningPod.of(ControllerPods.pod(old, "aaaaa"), owners),
                RunningPod.of(ControllerPods.pod(next, "bbbbb"), owners),
                RunningPod.of(ControllerPods.pod(old, "ccccc"), owners)));

    assertThat(groups).hasSize(2);
    assertThat(groups).extracting(g -> g.workload().kind()).containsOnly("Deployment");
    assertThat(groups).extracting(g -> g.pods().size()).containsExactly(2, 1);
  }

  @Test
  void aReplicaSetThatCannotBeReadOrIsAnotherObjectIsTheWorkloadItself() {
    ObjectNode deployment = ControllerPods.deployment("ml", "llm", TEMPLATE);
    ObjectNode rs = ControllerPods.replicaSet(deployment, "7d4b9c8f5");
    ObjectNode recreated = rs.deepCopy();
    ((ObjectNode) recreated.path("metadata")).put("uid", "another-uid");

    ObjectReference unreadable =
        OwnerChain.workloadOf(ControllerPods.pod(rs, "aaaaa"), OwnerChain.Lookup.NONE);
    ObjectReference other =
        OwnerChain.workloadOf(ControllerPods.pod(rs, "aaaaa"), objects(recreated));

    assertThat(unreadable.kind()).isEqualTo("ReplicaSet");
    assertThat(unreadable.name()).isEqualTo("llm-7d4b9c8f5");
    assertThat(other).isEqualTo(unreadable);
  }

  @Test
  void statefulSetPodsAreOneGroupDespiteTheirPerPodLabels() {
    ObjectNode sts = ControllerPods.deployment("ml", "llm", TEMPLATE);
    sts.put("kind", "StatefulSet");
    List<RunningPod> pods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ObjectNode p = ControllerPods.pod(sts, String.valueOf(i));
      ((ObjectNode) p.at("/metadata/labels"))
          .put("controller-revision-hash", "llm-6b8f7c9d4")
          .put("statefulset.kubernetes.io/pod-name", "llm-" + i)
          .put("apps.kubernetes.io/pod-index", String.valueOf(i));
      pods.add(RunningPod.of(p, OwnerChain.Lookup.NONE));
    }

    List<ScanGroup> groups = ScanGroup.of(pods);

    assertThat(groups).singleElement().satisfies(g -> assertThat(g.pods()).hasSize(3));
    assertThat(groups.get(0).workload().kind()).isEqualTo("StatefulSet");
  }

  @Test
  void aPodRelabelledOrAnnotatedWithAnotherModelIsDecidedOnItsOwn() {
    ObjectNode deployment = ControllerPods.deployment("ml", "llm", TEMPLATE);
    ObjectNode rs = ControllerPods.replicaSet(deployment, "7d4b9c8f5");
    ObjectNode relabelled = ControllerPods.pod(rs, "bbbbb");
    ((ObjectNode) relabelled.at("/metadata/labels")).put("tier", "exempt");
    ObjectNode otherModel = ControllerPods.pod(rs, "ccccc");
    ((ObjectNode) otherModel.at("/metadata/annotations"))
        .put("model.modelgate.dev/llm", "oci://registry.example/models/evil:1");

    List<ScanGroup> groups =
        ScanGroup.of(
            List.of(
                RunningPod.of(ControllerPods.pod(rs, "aaaaa"), objects(rs)),
                RunningPod.of(relabelled, objects(rs)),
                RunningPod.of(otherModel, objects(rs))));

    assertThat(groups).hasSize(3);
  }

  @Test
  void podsOfOneTemplateWithDifferentInjectedVerifiersAreDecidedApart() {
    // /mutate injects the verifier per pod at creation, with that moment's policy documents: a pod
    // created after a key was revoked carries another verifier than one created before.
    ObjectNode deployment = ControllerPods.deployment("ml", "llm", TEMPLATE);
    ObjectNode rs = ControllerPods.replicaSet(deployment, "7d4b9c8f5");
    ObjectNode before = ControllerPods.pod(rs, "aaaaa");
    ObjectNode after = ControllerPods.pod(rs, "bbbbb");
    ObjectNode sameAsAfter = ControllerPods.pod(rs, "ccccc");
    for (ObjectNode pod : List.of(before, after, sameAsAfter)) {
      ObjectNode verifier = ((ObjectNode) pod.get("spec")).putArray("initContainers").addObject();
      verifier.put("name", "modelgate-verify-llm");
      verifier
          .putArray("env")
          .addObject()
          .put("name", "MODELGATE_POLICIES")
          .put("value", pod == before ? "policy generation 1" : "policy generation 2");
    }

    List<ScanGroup> groups =
        ScanGroup.of(
            List.of(
                RunningPod.of(before, objects(rs)),
                RunningPod.of(after, objects(rs)),
                RunningPod.of(sameAsAfter, objects(rs))));

    assertThat(groups).extracting(g -> g.pods().size()).containsExactly(1, 2);
  }

  @Test
  void podsNobodyControlsAreTheirOwnWorkloads() {
    ObjectNode a = ControllerPods.pod(ControllerPods.deployment("ml", "x", TEMPLATE), "a");
    ((ObjectNode) a.path("metadata")).remove("ownerReferences");
    ObjectNode b = a.deepCopy();
    ((ObjectNode) b.path("metadata")).put("name", "x-b").put("uid", "uid-b");

    List<ScanGroup> groups =
        ScanGroup.of(
            List.of(
                RunningPod.of(a, OwnerChain.Lookup.NONE),
                RunningPod.of(b, OwnerChain.Lookup.NONE)));

    assertThat(groups).hasSize(2);
    assertThat(groups).extracting(g -> g.workload().kind()).containsOnly("Pod");
    assertThat(groups).extracting(g -> g.workload().name()).containsExactly("x-a", "x-b");
  }
}
