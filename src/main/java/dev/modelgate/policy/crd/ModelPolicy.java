package dev.modelgate.policy.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A model policy that applies in its own namespace only. */
@Group("modelgate.dev")
@Version("v1alpha1")
@ShortNames("mp")
public class ModelPolicy extends CustomResource<ModelPolicySpec, PolicyStatus>
    implements Namespaced {}
