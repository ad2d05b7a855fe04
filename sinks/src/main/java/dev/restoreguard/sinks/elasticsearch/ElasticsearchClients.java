package dev.restoreguard.sinks.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.restoreguard.events.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the official Java client from an {@link ElasticsearchSinkConfig}: API key or basic
 * authentication, and TLS that trusts exactly the CA certificates of a PEM file when one is given
 * (otherwise the JDK's trust store). Hostname verification stays on.
 */
public final class ElasticsearchClients {

    private ElasticsearchClients() {
    }

    /** A client for the configured cluster. */
    public static ElasticsearchClient create(final ElasticsearchSinkConfig config) {
        final SSLContext ssl = config.caFile() == null ? null : sslContext(Path.of(config.caFile()));
        return ElasticsearchClient.of(b -> {
            b.hosts(config.urls().stream().map(URI::create).toList());
            if (config.apiKey() != null) {
                b.apiKey(config.apiKey());
            } else if (config.username() != null) {
                b.usernameAndPassword(config.username(), config.password());
            }
            if (ssl != null) {
                b.sslContext(ssl);
            }
            return b;
        });
    }

    /** An SSL context trusting the CA certificates of a PEM file. */
    public static SSLContext sslContext(final Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            final Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigException("ca_file: no certificate in " + caFile);
            }
            final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (final Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new ConfigException("ca_file: cannot read " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("ca_file: not PEM X.509 certificates: " + caFile + ": " + e.getMessage(), e);
        }
    }
}
