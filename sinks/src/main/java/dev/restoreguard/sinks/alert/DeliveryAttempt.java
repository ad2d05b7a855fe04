package dev.restoreguard.sinks.alert;

import java.time.Instant;

/**
 * One attempt to deliver one alert version to one channel, as written to the delivery log topic
 * ({@code restoreguard.alerts.deliveries}, key {@code alert.id}, value this record as JSON).
 *
 * @param timestamp  when the attempt ended
 * @param channel    channel name
 * @param type       channel type
 * @param alertId    {@code alert.id}
 * @param messageId  the alert version's stable id (webhook-id, Message-ID)
 * @param ruleId     {@code rule.id}
 * @param severity   {@code alert.severity}
 * @param status     {@code alert.status}
 * @param attempt    1-based attempt number within this delivery
 * @param outcome    {@code delivered}, {@code failed} (will be retried), {@code refused} (permanent,
 *                   dead-lettered), {@code circuit_open} (not tried), {@code skipped} (not routed here)
 * @param detail     the receiver's answer or the error
 * @param durationMs how long the attempt took
 */
public record DeliveryAttempt(Instant timestamp, String channel, String type, String alertId, String messageId,
                              String ruleId, String severity, String status, int attempt, String outcome,
                              String detail, long durationMs) {
}
