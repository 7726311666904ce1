package dev.modelgate.runtime;

import dev.modelgate.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once policies have been loaded, so the API server never gets answers without them. */
@Readiness
@ApplicationScoped
public class PoliciesReady implements HealthCheck {
  @Inject PolicyStore store;

  @Override
  public HealthCheckResponse call() {
    long broken = store.policies().stream().filter(p -> !p.ready()).count();
    return HealthCheckResponse.named("policies")
        .status(store.ready())
        .withData("policies", store.policies().size())
        .withData("notCompiled", broken)
        .build();
  }
}
