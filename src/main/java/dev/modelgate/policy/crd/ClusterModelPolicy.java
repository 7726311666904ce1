package dev.modelgate.policy.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A cluster-wide model policy. */
@Group("modelgate.dev")
@Version("v1alpha1")
@ShortNames("cmp")
public class ClusterModelPolicy extends CustomResource<ModelPolicySpec, PolicyStatus> {}
