package dev.modelgate.runtime;

import dev.modelgate.admission.AdmissionService;
import dev.modelgate.oms.FileNameEncoding;
import dev.modelgate.policy.PolicyStore;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Loads policies and builds the admission service at start, not on the first request. */
@Singleton
public class Startup {
  private static final Logger log = Logger.getLogger(Startup.class);

  void onStart(
      @Observes StartupEvent event,
      AdmissionService service,
      PolicyStore store,
      ModelGateConfig config) {
    String problem = FileNameEncoding.startupProblem();
    if (problem != null) {
      // Model file names would be misread (file:// models, policies): refuse to serve at all.
      log.error("ModelGate cannot start: " + problem);
      Quarkus.asyncExit(2);
      return;
    }
    log.infof(
        "ModelGate ready: source=%s, %d policies (%d not compiled), no-match=%s",
        config.source(),
        store.policies().size(),
        store.policies().stream().filter(p -> !p.ready()).count(),
        config.noMatch());
  }
}
