package dev.restoreguard.producers.tls;

import dev.restoreguard.events.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS material for the collectors, from JDK crypto only: a server's key from a PKCS#12 key store
 * or from PEM files (certificate chain + unencrypted PKCS#8 key), and a client's trust from a PEM
 * CA file, a PKCS#12 trust store or one pinned certificate (SHA-256 fingerprint). Errors name the
 * configuration key they come from.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * A server context from a PKCS#12 key store ({@code path} key {@code keyStore}) or, when it is
     * null, from PEM files.
     *
     * @param key the configuration key path, for error messages
     */
    public static SSLContext server(final String key, final Path keyStore, final String password, final Path certificatePem,
                                    final Path privateKeyPem) {
        try {
            final KeyStore store;
            final char[] pass = password == null ? new char[0] : password.toCharArray();
            if (keyStore != null) {
                store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keyStore)) {
                    store.load(in, pass);
                }
            } else {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                final List<X509Certificate> chain = certificates(key + ".certificate", certificatePem);
                store.setKeyEntry("server", privateKey(key + ".private_key", privateKeyPem), pass,
                        chain.toArray(new Certificate[0]));
            }
            final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, pass);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read the key material: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": unusable key material: " + e.getMessage(), e);
        }
    }

    /**
     * A client context: trusts exactly the certificate whose SHA-256 fingerprint is {@code pinnedSha256}
     * (hex, colons allowed; no CA or host name check: the pin is the identity, which suits Veeam's
     * self-signed "Veeam Backup Server Certificate"), else the CAs of {@code caFile} (PEM) or
     * {@code trustStore} (PKCS#12), else the JDK's default trust. Host names are verified except
     * with a pin.
     */
    public static SSLContext client(final String key, final Path caFile, final Path trustStore, final String trustStorePassword,
                                    final String pinnedSha256) {
        try {
            final SSLContext context = SSLContext.getInstance("TLS");
            if (pinnedSha256 != null) {
                context.init(null, new TrustManager[] {new PinnedTrustManager(fingerprint(key + ".pinned_sha256", pinnedSha256))},
                        null);
                return context;
            }
            if (caFile == null && trustStore == null) {
                context.init(null, null, null);
                return context;
            }
            final KeyStore trust = KeyStore.getInstance("PKCS12");
            if (trustStore != null) {
                try (InputStream in = Files.newInputStream(trustStore)) {
                    trust.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
                }
            } else {
                trust.load(null, null);
                int i = 0;
                for (X509Certificate c : certificates(key + ".ca_file", caFile)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
            }
            final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read the trust material: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": unusable trust material: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 fingerprint of a certificate, lower-case hex without separators. */
    public static String sha256(final X509Certificate certificate) throws CertificateException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new CertificateException(e);
        }
    }

    private static String fingerprint(final String key, final String text) {
        final String hex = text.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new ConfigException(key + ": must be a SHA-256 fingerprint (64 hex digits, colons allowed)");
        }
        return hex;
    }

    private static List<X509Certificate> certificates(final String key, final Path pem) throws IOException, CertificateException {
        if (pem == null) {
            throw new ConfigException(key + ": required");
        }
        try (InputStream in = Files.newInputStream(pem)) {
            final List<X509Certificate> list = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (list.isEmpty()) {
                throw new ConfigException(key + ": no certificate in " + pem);
            }
            return list;
        }
    }

    private static PrivateKey privateKey(final String key, final Path pem) throws IOException {
        if (pem == null) {
            throw new ConfigException(key + ": required");
        }
        final String text = Files.readString(pem, StandardCharsets.US_ASCII);
        final int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        final int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new ConfigException(key + ": " + pem + " holds no unencrypted PKCS#8 key ('BEGIN PRIVATE KEY'); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        }
        final byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm: PKCS#8 names it, but the JDK wants it up front
            }
        }
        throw new ConfigException(key + ": " + pem + ": not an RSA, EC or Ed25519 PKCS#8 key");
    }

    /** Trusts the one certificate with the pinned fingerprint, whatever its issuer and names. */
    private static final class PinnedTrustManager extends X509ExtendedTrustManager {
        private final String pin;

        PinnedTrustManager(final String pin) {
            this.pin = pin;
        }

        private void check(final X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no server certificate");
            }
            final String actual = sha256(chain[0]);
            if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII), pin.getBytes(StandardCharsets.US_ASCII))) {
                throw new CertificateException("server certificate SHA-256 " + actual + " is not the pinned " + pin);
            }
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
