package dev.restoreguard.sinks.alert;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.DeadLetterPublisher;
import dev.restoreguard.sinks.Sink;
import dev.restoreguard.sinks.SinkException;
import dev.restoreguard.sinks.SinkRecord;
import dev.restoreguard.sinks.alert.config.ChannelConfig;
import dev.restoreguard.sinks.elasticsearch.EcsDocuments;
import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.CircuitOpenException;
import dev.restoreguard.sinks.retry.RetriesExhaustedException;
import dev.restoreguard.sinks.retry.RetryExecutor;
import dev.restoreguard.sinks.service.Metrics;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One alert channel as a {@link Sink}: routes each alert (severity, rule, retractions), renders it
 * ({@link AlertMessage}), and sends it through the shared {@link RetryExecutor} behind a
 * {@link CircuitBreaker}, logging every attempt to the delivery log. Alerts are sent one after the
 * other in offset order; when the retries of one run out, the sink reports everything before it as
 * done, so the runner commits that and resends only from the failed alert on: a channel that was
 * down gets every alert afterwards, and each at most once more than needed (the one whose
 * acknowledgement was lost). An alert the receiver refuses for good goes to the dead-letter topic.
 *
 * <p>Reads (via its runner, own consumer group per channel): {@code restoreguard.alerts}.
 * Writes: the delivery log topic, the dead-letter topic, and the channel's receiver.
 */
public final class ChannelSink implements Sink<Alert> {

    private static final Logger LOGGER = LoggerFactory.getLogger(ChannelSink.class);

    private final ChannelConfig config;
    private final AlertChannel channel;
    private final String linkTemplate;
    private final RetryExecutor retry;
    private final CircuitBreaker breaker;
    private final DeliveryLog deliveryLog;
    private final DeadLetterPublisher deadLetters;
    private final Metrics metrics;
    private final Clock clock;

    public ChannelSink(final ChannelConfig config, final AlertChannel channel, final String linkTemplate,
                       final DeliveryLog deliveryLog, final DeadLetterPublisher deadLetters, final Metrics metrics,
                       final Clock clock) {
        this.config = config;
        this.channel = channel;
        this.linkTemplate = linkTemplate;
        this.retry = new RetryExecutor(config.retry(), failure -> failure instanceof CircuitOpenException
                || dev.restoreguard.sinks.retry.Retriable.DEFAULT.isRetriable(failure));
        this.breaker = new CircuitBreaker(config.name(), config.circuitBreaker(), clock);
        this.deliveryLog = deliveryLog;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        metrics.gauge("restoreguard_alert_channel_circuit_state", () -> breaker.state().ordinal(), "channel", config.name());
    }

    @Override
    public String name() {
        return "alerts." + config.name();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public void validateConnection() throws SinkException {
        try {
            channel.validateConnection();
        } catch (Exception e) {
            throw new SinkException("channel " + config.name() + " (" + config.type() + ") is not reachable: " + e.getMessage(), e);
        }
    }

    @Override
    public void configure() {
        // channels are built configured; nothing to prepare per run
    }

    @Override
    public void handle(final List<SinkRecord<Alert>> batch) throws SinkException {
        final Map<TopicPartition, Long> done = new HashMap<>();
        try {
            for (final SinkRecord<Alert> record : batch) {
                deliver(record);
                done.put(record.topicPartition(), record.offset() + 1);
            }
        } catch (RetriesExhaustedException e) {
            throw new SinkException("channel " + config.name() + ": " + e.getMessage(), e, done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException("interrupted", e, done);
        } finally {
            deliveryLog.flush();
        }
    }

    private void deliver(final SinkRecord<Alert> record) throws RetriesExhaustedException, InterruptedException, SinkException {
        final Alert alert = record.value();
        final String messageId = EcsDocuments.alertVersionId(alert);
        if (!config.route().matches(alert)) {
            metrics.count("restoreguard_alert_deliveries_total", 1, "channel", config.name(), "outcome", "skipped");
            return;
        }
        final AlertMessage message = AlertMessage.of(alert, linkTemplate);
        try {
            retry.call(config.name() + " " + alert.alert().id(), () -> {
                breaker.acquire();
                try {
                    final String answer = channel.send(alert, message, messageId);
                    breaker.onSuccess();
                    return answer;
                } catch (Exception e) {
                    if (retry.isRetriable(e)) {
                        breaker.onFailure();
                    }
                    throw e;
                }
            }, (attempt, failure, duration) -> log(alert, messageId, attempt, failure, duration.toMillis()));
        } catch (RetriesExhaustedException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // permanent: this alert can never be delivered here; keep it for a person and go on
            deadLetters.publish(record.topic(), record.partition(), record.offset(), record.rawKey(), record.rawValue(),
                    "sink.alerts." + config.name(), e, config.type() + " refused the alert: " + e.getMessage());
            metrics.count("restoreguard_sink_dead_letters_total", 1, "sink", name(), "stage", "send");
        }
    }

    private void log(final Alert alert, final String messageId, final int attempt, final Throwable failure,
                     final long durationMs) {
        final String outcome = failure == null ? "delivered" : failure instanceof CircuitOpenException ? "circuit_open"
                : retry.isRetriable(failure) ? "failed" : "refused";
        metrics.count("restoreguard_alert_deliveries_total", 1, "channel", config.name(), "outcome", outcome);
        deliveryLog.record(new DeliveryAttempt(clock.instant(), config.name(), config.type(), alert.alert().id(), messageId,
                alert.rule().id(), alert.alert().severity().label(), alert.alert().status(), attempt, outcome,
                failure == null ? null : failure.getMessage(), durationMs));
        if (failure == null) {
            LOGGER.atInfo().addKeyValue("channel", config.name()).addKeyValue("alert_id", alert.alert().id())
                    .addKeyValue("rule", alert.rule().id()).addKeyValue("status", alert.alert().status())
                    .addKeyValue("attempt", attempt).log("Alert delivered");
        } else if (!(failure instanceof CircuitOpenException)) {
            LOGGER.atWarn().addKeyValue("channel", config.name()).addKeyValue("alert_id", alert.alert().id())
                    .addKeyValue("attempt", attempt).addKeyValue("outcome", outcome)
                    .addKeyValue("error", failure.getMessage()).log("Alert delivery attempt failed");
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
