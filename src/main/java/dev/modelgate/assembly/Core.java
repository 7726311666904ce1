package dev.modelgate.assembly;

import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.EventSink;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.inpod.ClaimAccessModes;
import dev.modelgate.inpod.VerifiedClaims;
import dev.modelgate.inpod.VolumeVerifier;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.oci.RegistryPoliteness;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.PolicyStore;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.PullCredentials;
import dev.modelgate.verify.VerifiedCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The plain-Java core, assembled once from options: where policies come from and the trust roots
 * they compile against, how registries are reached (credentials, plain-HTTP hosts, politeness, pull
 * secrets), the verified-result cache, the verification pool, the decision budget and the clock.
 * The webhook's CDI producers, {@code check} and {@code verify oci://} all build their core here,
 * so they cannot differ in how a model is verified or a workload decided; only the options differ.
 *
 * <p>Layers are built on first use: {@code verify oci://} asks for {@link #oci()} and never loads a
 * policy; asking for {@link #engine()} without a policy source is a programming error.
 */
public final class Core implements AutoCloseable {
  /** The webhook's default decision budget, as the API server's default webhook timeout. */
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);

  private final Builder options;
  private final ModelHasher hasher;
  private final Clock clock;
  private PolicyCompiler compiler;
  private PolicyStore policies;
  private ModelVerifier modelVerifier;
  private RegistryClient registry;
  private OciModelVerifier oci;
  private ExecutorService executor;
  private ModelVerificationService verification;
  private PolicyEngine engine;
  private AdmissionService admission;

  private Core(Builder options) {
    this.options = options;
    this.hasher = options.hasher;
    this.clock = options.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The trust roots policies compile against (the embedded Sigstore public-good by default). */
  public synchronized PolicyCompiler compiler() {
    if (compiler == null) {
      compiler =
          options.compiler != null ? options.compiler : PolicyCompiler.withEmbeddedPublicGoodRoot();
    }
    return compiler;
  }

  /** The policies: the store given, or the directory given, compiled with {@link #compiler()}. */
  public synchronized PolicyStore policies() {
    if (policies == null) {
      if (options.store != null) {
        policies = options.store.apply(compiler());
      } else if (options.policyDirectory != null) {
        policies = DirectoryPolicyStore.load(options.policyDirectory, compiler());
      } else {
        throw new IllegalStateException("no policy source: give policyDirectory or policyStore");
      }
    }
    return policies;
  }

  /** Verifies a model directory against its signature (hashing on {@code hasher}'s threads). */
  public synchronized ModelVerifier modelVerifier() {
    if (modelVerifier == null) {
      modelVerifier = new ModelVerifier(hasher);
    }
    return modelVerifier;
  }

  public synchronized RegistryClient registry() {
    if (registry == null) {
      registry =
          new RegistryClient(
              options.credentials.get(),
              Set.copyOf(options.plainHttpRegistries),
              options.politeness);
    }
    return registry;
  }

  /** Verifies models in registries from their manifests, with the pull credentials and cache. */
  public synchronized OciModelVerifier oci() {
    if (oci == null) {
      oci =
          new OciModelVerifier(
              registry(),
              modelVerifier(),
              options.pullCredentials,
              new VerifiedCache(options.cache));
    }
    return oci;
  }

  /** Every model source, verified on the pool so a deadline can cut it short. */
  public synchronized ModelVerificationService verification() {
    if (verification == null) {
      executor = options.executor.get();
      verification =
          new ModelVerificationService(modelVerifier(), executor, options.allowFileModels, oci());
    }
    return verification;
  }

  public synchronized PolicyEngine engine() {
    if (engine == null) {
      engine = new PolicyEngine(policies(), verification(), options.noMatch);
    }
    return engine;
  }

  /** The admission decision the webhook serves and {@code check} prints. */
  public synchronized AdmissionService admission() {
    if (admission == null) {
      admission =
          new AdmissionService(
              engine(),
              options.namespaces,
              options.events,
              new VolumeVerifier(options.verifierImage),
              options.claims,
              new AdmissionReports(options.reports, clock),
              options.verifiedClaims);
    }
    return admission;
  }

  /** When a decision started now must be made: now plus the decision budget. */
  public Instant deadline() {
    return clock.instant().plus(options.budget);
  }

  public Clock clock() {
    return clock;
  }

  /** Stops the verification pool (daemon threads: a process may also just exit). */
  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** The options of a core; each has the default the command line uses. */
  public static final class Builder {
    private PolicyCompiler compiler;
    private Path policyDirectory;
    private Function<PolicyCompiler, PolicyStore> store;
    private NoMatchBehaviour noMatch = NoMatchBehaviour.DENY;
    private Supplier<RegistryCredentials> credentials =
        RegistryCredentials::fromDefaultDockerConfig;
    private Set<String> plainHttpRegistries = Set.of();
    private RegistryPoliteness politeness = RegistryPoliteness.standard();
    private PullCredentials pullCredentials = PullCredentials.NONE;
    private VerifiedCache.Settings cache = VerifiedCache.Settings.DEFAULTS;
    private boolean allowFileModels = true;
    private Supplier<ExecutorService> executor = () -> pool(0);
    private ModelHasher hasher;
    private NamespaceLabels namespaces = NamespaceLabels.offline(Map.of());
    private EventSink events = EventSink.NONE;
    private ClaimAccessModes claims = ClaimAccessModes.NONE;
    private VerifiedClaims verifiedClaims = VerifiedClaims.NONE;
    private String verifierImage = AdmissionService.DEFAULT_VERIFIER_IMAGE;
    private PolicyReportSink reports = PolicyReportSink.NONE;
    private Duration budget = DEFAULT_BUDGET;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The trust roots policies compile against; default: the embedded Sigstore public-good. */
    public Builder compiler(PolicyCompiler compiler) {
      this.compiler = Objects.requireNonNull(compiler, "compiler");
      return this;
    }

    /** Policies from YAML files in a directory (embedded mode, {@code check}). */
    public Builder policyDirectory(Path dir) {
      this.policyDirectory = Objects.requireNonNull(dir, "dir");
      this.store = null;
      return this;
    }

    /** Policies from a store built with this core's compiler (the cluster's informers). */
    public Builder policyStore(Function<PolicyCompiler, PolicyStore> store) {
      this.store = Objects.requireNonNull(store, "store");
      this.policyDirectory = null;
      return this;
    }

    public Builder noMatch(NoMatchBehaviour noMatch) {
      this.noMatch = Objects.requireNonNull(noMatch, "noMatch");
      return this;
    }

    /** Registry credentials; default: the docker config file ({@code $DOCKER_CONFIG}). */
    public Builder registryCredentials(RegistryCredentials credentials) {
      Objects.requireNonNull(credentials, "credentials");
      this.credentials = () -> credentials;
      return this;
    }

    /** Registries spoken to over plain HTTP besides loopback ones. */
    public Builder plainHttpRegistries(Set<String> hosts) {
      this.plainHttpRegistries = Set.copyOf(hosts);
      return this;
    }

    /** Concurrency and retry limits towards registries, and who counts their requests. */
    public Builder politeness(RegistryPoliteness politeness) {
      this.politeness = Objects.requireNonNull(politeness, "politeness");
      return this;
    }

    /** Credentials of the workload itself (its pull secrets); default: none. */
    public Builder pullCredentials(PullCredentials pull) {
      this.pullCredentials = Objects.requireNonNull(pull, "pull");
      return this;
    }

    public Builder cache(VerifiedCache.Settings cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** Whether {@code file://} models are verified in place (embedded mode and {@code check}). */
    public Builder allowFileModels(boolean allow) {
      this.allowFileModels = allow;
      return this;
    }

    /**
     * A fixed verification pool of this many daemon threads; default: a cached pool, for one-shot
     * commands.
     */
    public Builder verifyThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("at least one verification thread, not " + threads);
      }
      this.executor = () -> pool(threads);
      return this;
    }

    /** The threads that hash model files; default: all cores. */
    public Builder hasher(ModelHasher hasher) {
      this.hasher = Objects.requireNonNull(hasher, "hasher");
      return this;
    }

    /** The labels of namespaces, for namespace selectors; default: only their name label. */
    public Builder namespaces(NamespaceLabels namespaces) {
      this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
      return this;
    }

    public Builder events(EventSink events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /** The access modes of claims, for the claim rules of volume models; default: unknown. */
    public Builder claimAccessModes(ClaimAccessModes claims) {
      this.claims = Objects.requireNonNull(claims, "claims");
      return this;
    }

    /**
     * The claims models are verified on, for the claim-writer rule; default: none known (embedded
     * mode: only claims a policy names by {@code pvc://} glob are model claims).
     */
    public Builder verifiedClaims(VerifiedClaims verified) {
      this.verifiedClaims = Objects.requireNonNull(verified, "verified");
      return this;
    }

    /** The image of the injected {@code verify-volume} init container. */
    public Builder verifierImage(String image) {
      this.verifierImage = Objects.requireNonNull(image, "image");
      return this;
    }

    /** Where admission decisions are reported (PolicyReports); default: nowhere. */
    public Builder reports(PolicyReportSink reports) {
      this.reports = Objects.requireNonNull(reports, "reports");
      return this;
    }

    /** How long one decision may take ({@link Core#deadline()}); default 10 s. */
    public Builder budget(Duration budget) {
      if (budget.isNegative()) {
        throw new IllegalArgumentException("the decision budget is negative: " + budget);
      }
      this.budget = budget;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A core from these options; a builder makes one core (it is not copied). */
    public Core build() {
      if (hasher == null) {
        hasher = ModelHasher.allCores();
      }
      return new Core(this);
    }
  }

  /** Daemon threads, so a pool never keeps a command or the server from exiting. */
  private static ExecutorService pool(int threads) {
    ThreadFactory named =
        r -> {
          Thread t = new Thread(r, "modelgate-verify");
          t.setDaemon(true);
          return t;
        };
    return threads == 0
        ? Executors.newCachedThreadPool(named)
        : Executors.newFixedThreadPool(threads, named);
  }
}
