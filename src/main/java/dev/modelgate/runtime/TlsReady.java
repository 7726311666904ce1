package dev.modelgate.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the server presents the certificate the API server will trust: with self-managed
 * certificates, the one from the Secret (not the placeholder generated at start).
 */
@Readiness
@ApplicationScoped
public class TlsReady implements HealthCheck {
  @Inject WebhookTls tls;

  @Override
  public HealthCheckResponse call() {
    var loaded = tls.ready();
    var r =
        HealthCheckResponse.named("tls")
            .status(loaded.isPresent())
            .withData("selfManaged", tls.selfManaged());
    loaded.ifPresent(
        l ->
            r.withData("origin", l.origin())
                .withData("fingerprint", l.fingerprint())
                .withData("notAfter", l.certificate().getNotAfter().toInstant().toString()));
    return r.build();
  }
}
