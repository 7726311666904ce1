package dev.modelgate.runtime;

import dev.modelgate.admission.AdmissionService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Loads policies and builds the admission service at start, not on the first request. */
@Singleton
public class Startup {
  void onStart(@Observes StartupEvent event, AdmissionService service) {
    service.getClass();
  }
}
