package dev.modelgate.verify.k8s;

import dev.modelgate.core.UnavailableException;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.source.RegistryAccess;
import dev.modelgate.verify.PullCredentials;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credentials the kubelet would use to pull a workload's images: the pod's imagePullSecrets and
 * those of its service account, read from {@code kubernetes.io/dockerconfigjson} (and legacy {@code
 * dockercfg}) Secrets in the workload's namespace. Secret contents are never logged.
 */
public final class KubernetesPullCredentials implements PullCredentials {
  /** How long resolved credentials are reused: a rotated or deleted Secret is seen after this. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private static final int MAX_REMEMBERED = 1024;

  private final KubernetesClient client;
  private final Duration ttl;
  private final Map<RegistryAccess, Remembered> recent = new ConcurrentHashMap<>();

  private record Remembered(RegistryCredentials credentials, Instant until) {}

  public KubernetesPullCredentials(KubernetesClient client) {
    this(client, DEFAULT_TTL);
  }

  public KubernetesPullCredentials(KubernetesClient client, Duration ttl) {
    this.client = client;
    this.ttl = ttl;
  }

  /**
   * Every admission of an OCI model resolves these (per model and matching policy), cache hit or
   * not: without reuse that is 1 + N API GETs each time.
   */
  @Override
  public RegistryCredentials resolve(RegistryAccess access) {
    Instant now = Instant.now();
    Remembered r = recent.get(access);
    if (r != null && now.isBefore(r.until())) {
      return r.credentials();
    }
    RegistryCredentials fresh = read(access);
    if (recent.size() >= MAX_REMEMBERED) {
      recent.clear();
    }
    recent.put(access, new Remembered(fresh, now.plus(ttl)));
    return fresh;
  }

  /**
   * Reads the credentials; an API server that did not answer (no response, 5xx, 429) is {@code
   * UNAVAILABLE}, while a refusal (403 when {@code readPullSecrets} is off or RBAC is wrong) stays
   * an exception, which the verifier turns into a denial that {@code onError: Allow} cannot waive.
   */
  private RegistryCredentials read(RegistryAccess access) {
    try {
      return readFromApi(access);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500) {
        throw new UnavailableException("the Kubernetes API did not answer: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private RegistryCredentials readFromApi(RegistryAccess access) {
    Set<String> names = new LinkedHashSet<>(access.pullSecrets());
    ServiceAccount sa =
        client
            .serviceAccounts()
            .inNamespace(access.namespace())
            .withName(access.serviceAccount())
            .get();
    if (sa != null && sa.getImagePullSecrets() != null) {
      for (LocalObjectReference r : sa.getImagePullSecrets()) {
        names.add(r.getName());
      }
    }
    RegistryCredentials out = RegistryCredentials.NONE;
    List<String> read = new ArrayList<>(names);
    for (String name : read) {
      Secret s = client.secrets().inNamespace(access.namespace()).withName(name).get();
      if (s == null || s.getData() == null) {
        continue;
      }
      String data = s.getData().getOrDefault(".dockerconfigjson", null);
      if (data == null && s.getData().containsKey(".dockercfg")) {
        data =
            Base64.getEncoder()
                .encodeToString(
                    ("{\"auths\":"
                            + new String(
                                Base64.getDecoder().decode(s.getData().get(".dockercfg")),
                                StandardCharsets.UTF_8)
                            + "}")
                        .getBytes(StandardCharsets.UTF_8));
      }
      if (data != null) {
        out =
            out.overriddenBy(
                RegistryCredentials.fromDockerConfigJson(Base64.getDecoder().decode(data)));
      }
    }
    return out;
  }
}
