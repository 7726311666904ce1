package dev.modelgate.policy.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Cluster-scoped trust material (CA bundles, Sigstore trusted roots) that policies reference. */
@Group("modelgate.dev")
@Version("v1alpha1")
@ShortNames("mtr")
public class ModelTrustRoot extends CustomResource<ModelTrustRootSpec, PolicyStatus> {}
