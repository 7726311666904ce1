package dev.modelgate.testing;

import dev.modelgate.certs.KeyAndCertificate;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A real TLS listener on loopback presenting one certificate, standing in for a ModelGate replica
 * whose served certificate the leader inspects; plus the EndpointSlice a Service would have for it.
 */
public final class TlsTestServer implements AutoCloseable {
  private final SSLServerSocket socket;
  private final Thread acceptor;

  private TlsTestServer(SSLServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::accept, "tls-test-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static TlsTestServer serving(KeyAndCertificate pair) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", pair.key(), new char[0], new Certificate[] {pair.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return new TlsTestServer(
        (SSLServerSocket)
            ctx.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress()));
  }

  public int port() {
    return socket.getLocalPort();
  }

  public EndpointSlice endpointSlice(String namespace, String service) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service + "-" + port())
        .withNamespace(namespace)
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("https")
        .withPort(port())
        .withProtocol("TCP")
        .endPort()
        .addNewEndpoint()
        .withAddresses("127.0.0.1")
        .withNewConditions()
        .withReady(true)
        .endConditions()
        .endEndpoint()
        .build();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try (SSLSocket s = (SSLSocket) socket.accept()) {
        s.startHandshake();
      } catch (IOException e) {
        // A client that only reads the certificate may close mid-handshake; keep accepting.
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
