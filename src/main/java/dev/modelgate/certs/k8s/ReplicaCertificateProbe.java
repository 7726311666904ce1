package dev.modelgate.certs.k8s;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jboss.logging.Logger;

/**
 * Which certificate each ready replica presents, seen the way the API server sees it: the ready
 * endpoints of ModelGate's Service (its EndpointSlices), each asked for its certificate over TLS.
 * The certificate is only read, never trusted for anything; the answer decides whether the previous
 * CA may leave the caBundle, so any endpoint that cannot be reached makes it unknown, and the
 * overlap is kept.
 */
public final class ReplicaCertificateProbe {
  private static final Logger log = Logger.getLogger(ReplicaCertificateProbe.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final String serverName;
  private final Duration timeout;

  public ReplicaCertificateProbe(
      KubernetesClient client,
      String namespace,
      String service,
      String serverName,
      Duration timeout) {
    this.client = client;
    this.namespace = namespace;
    this.service = service;
    this.serverName = serverName;
    this.timeout = timeout;
  }

  public Optional<List<X509Certificate>> servedByReadyReplicas() {
    List<EndpointSlice> slices;
    try {
      slices =
          client
              .discovery()
              .v1()
              .endpointSlices()
              .inNamespace(namespace)
              .withLabel("kubernetes.io/service-name", service)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      log.warnf(
          "cannot list the EndpointSlices of Service %s/%s: %s",
          namespace, service, e.getMessage());
      return Optional.empty();
    }
    List<X509Certificate> served = new ArrayList<>();
    for (EndpointSlice slice : slices) {
      Integer port = httpsPort(slice);
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint e : slice.getEndpoints()) {
        boolean ready =
            e.getConditions() == null
                || e.getConditions().getReady() == null
                || e.getConditions().getReady();
        if (!ready || e.getAddresses() == null || e.getAddresses().isEmpty()) {
          continue;
        }
        String address = e.getAddresses().get(0);
        try {
          served.add(presented(address, port));
        } catch (IOException | GeneralSecurityException ex) {
          log.infof(
              "replica %s:%d did not show its certificate (%s): the previous CA stays trusted",
              address, port, ex.getMessage());
          return Optional.empty();
        }
      }
    }
    return Optional.of(served);
  }

  private static Integer httpsPort(EndpointSlice slice) {
    if (slice.getPorts() == null) {
      return null;
    }
    for (EndpointPort p : slice.getPorts()) {
      if ("https".equals(p.getName()) || slice.getPorts().size() == 1) {
        return p.getPort();
      }
    }
    return null;
  }

  /**
   * The leaf certificate the endpoint presents, read during a handshake that trusts anything (it is
   * only inspected).
   */
  public X509Certificate presented(String host, int port)
      throws IOException, GeneralSecurityException {
    X509Certificate[] seen = new X509Certificate[1];
    TrustManager capture =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType)
              throws CertificateException {
            // The probe is only ever a TLS client: no client certificate is ever checked here.
            throw new CertificateException("the certificate probe does not accept TLS clients");
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {
            seen[0] = chain[0];
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {capture}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      SSLParameters params = s.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(serverName)));
      s.setSSLParameters(params);
      s.startHandshake();
    }
    if (seen[0] == null) {
      throw new IOException("no certificate presented");
    }
    return seen[0];
  }
}
