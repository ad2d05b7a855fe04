package dev.restoreguard.producers.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A throw-away server key and certificate for TLS tests ({@code CN=localhost}, SAN
 * {@code localhost} and {@code 127.0.0.1}), made by the JDK's {@code keytool} and exported to PEM
 * with the JDK's KeyStore API.
 *
 * @param keyStore   PKCS#12 file, password {@link #PASSWORD}
 * @param certificatePem the certificate
 * @param privateKeyPem  the key, unencrypted PKCS#8
 * @param certificate    the certificate itself
 */
public record TestCertificates(Path keyStore, Path certificatePem, Path privateKeyPem, X509Certificate certificate) {

    public static final String PASSWORD = "changeit";

    /** Creates the files in {@code dir}. */
    public static TestCertificates create(final Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        final Path p12 = dir.resolve("server.p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD.toCharArray());
        }
        final X509Certificate cert = (X509Certificate) store.getCertificate("server");
        final Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        final Path certPem = Files.writeString(dir.resolve("server.crt.pem"), "-----BEGIN CERTIFICATE-----\n"
                + b64.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        final Path keyPem = Files.writeString(dir.resolve("server.key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(store.getKey("server", PASSWORD.toCharArray()).getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return new TestCertificates(p12, certPem, keyPem, cert);
    }
}
