package dev.restoreguard.sinks.alert;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.alert.config.EmailConfig;
import dev.restoreguard.sinks.retry.RetriableException;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Email over SMTP with Jakarta Mail (Eclipse Angus). Plain-text body from {@link AlertMessage}; the
 * {@code Message-ID} is derived from the alert version (so a retried send is recognisably the same
 * mail) and {@code References} the alert id, so mail clients thread an alert's versions together.
 * SMTP 4xx and connection failures are retriable; 5xx rejections of the message or recipients are permanent.
 */
public final class EmailChannel implements AlertChannel {

    private final EmailConfig config;
    private final Session session;

    public EmailChannel(final EmailConfig config) {
        this.config = config;
        final Properties props = new Properties();
        final boolean tls = "tls".equals(config.security());
        final String protocol = tls ? "smtps" : "smtp";
        props.put("mail.transport.protocol", protocol);
        props.put("mail." + protocol + ".host", config.host());
        props.put("mail." + protocol + ".port", Integer.toString(config.port()));
        props.put("mail." + protocol + ".auth", Boolean.toString(config.username() != null));
        props.put("mail." + protocol + ".connectiontimeout", Long.toString(config.timeoutMs()));
        props.put("mail." + protocol + ".timeout", Long.toString(config.timeoutMs()));
        props.put("mail." + protocol + ".writetimeout", Long.toString(config.timeoutMs()));
        if ("starttls".equals(config.security())) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        if (tls || "starttls".equals(config.security())) {
            props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(props);
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String type() {
        return config.type();
    }

    @Override
    public void validateConnection() throws Exception {
        try (Transport transport = session.getTransport()) {
            transport.connect(config.host(), config.port(), config.username(), config.password());
        }
    }

    @Override
    public String send(final Alert alert, final AlertMessage message, final String messageId) throws Exception {
        final MimeMessage mail = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + messageId + "@restoreguard>");
            }
        };
        mail.setFrom(new InternetAddress(config.from()));
        for (final String to : config.to()) {
            mail.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        }
        mail.setSubject("RestoreGuard: " + message.title(), "UTF-8");
        mail.setSentDate(new Date());
        mail.setHeader("References", "<" + alert.alert().id() + "@restoreguard>");
        mail.setHeader("X-RestoreGuard-Alert-Id", alert.alert().id());
        mail.setHeader("X-RestoreGuard-Severity", alert.alert().severity().label());
        mail.setText(message.plainText(alert), "UTF-8");
        try {
            if (config.username() != null) {
                Transport.send(mail, config.username(), config.password());
            } else {
                Transport.send(mail);
            }
            return "SMTP accepted for " + config.to().size() + " recipient(s)";
        } catch (AuthenticationFailedException e) {
            throw new RetriableException("SMTP authentication failed (check username/password): " + e.getMessage(), e);
        } catch (SMTPAddressFailedException e) {
            throw classify(e.getReturnCode(), "recipient refused: " + e.getMessage(), e);
        } catch (SMTPSendFailedException e) {
            throw classify(e.getReturnCode(), "message refused: " + e.getMessage(), e);
        } catch (SendFailedException e) {
            final Address[] invalid = e.getInvalidAddresses();
            if (invalid != null && invalid.length > 0) {
                throw new PermanentDeliveryException("invalid recipient(s): " + java.util.Arrays.toString(invalid), e);
            }
            throw new RetriableException("SMTP send failed: " + e.getMessage(), e);
        } catch (MessagingException e) {
            // connection refused, timeouts, TLS handshake: the server may come back
            throw new RetriableException("SMTP: " + e.getMessage(), e);
        }
    }

    private static Exception classify(final int code, final String message, final Exception cause) {
        return code >= 500 ? new PermanentDeliveryException("SMTP " + code + " " + message, cause)
                : new RetriableException("SMTP " + code + " " + message, cause);
    }
}
