package dev.restoreguard.streams.processor;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.streams.rules.Finding;
import dev.restoreguard.streams.rules.RuleCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Raises a pipeline-health alert for every dead-lettered input: RG-901 for a restore record
 * (a restore nobody judged), RG-902 for an approval record (it counts as no approval), RG-903 for
 * other inputs. The subject is the original record's position, so each is one alert.
 *
 * <p>Reads {@code restoreguard.dlq} (raw bytes with {@code dlq.*} headers); writes {@link Alert}s
 * keyed by {@code alert.id} to {@code restoreguard.alerts}.
 */
public final class PipelineHealthProcessor implements Processor<byte[], byte[], String, Alert> {

    private ProcessorContext<String, Alert> context;

    @Override
    public void init(final ProcessorContext<String, Alert> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final Headers headers = record.headers();
        final String topic = header(headers, "dlq.topic");
        if (topic == null) {
            return; // not written by our handler: nothing to explain
        }
        final RuleCatalog rule = Topics.RESTORES.name().equals(topic) ? RuleCatalog.RG_901
                : Topics.APPROVALS.name().equals(topic) ? RuleCatalog.RG_902 : RuleCatalog.RG_903;
        final String partition = header(headers, "dlq.partition");
        final String offset = header(headers, "dlq.offset");
        final String reason = header(headers, "dlq.reason");
        final Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("topic", topic);
        evidence.put("partition", partition);
        evidence.put("offset", offset);
        evidence.put("stage", header(headers, "dlq.stage"));
        evidence.put("exception", header(headers, "dlq.exception"));
        evidence.put("error", reason);
        evidence.put("value_excerpt", excerpt(record.value()));
        final String what = rule == RuleCatalog.RG_901 ? "A restore record"
                : rule == RuleCatalog.RG_902 ? "An approval record (which therefore counts as no approval)"
                : "An input record";
        final Finding finding = new Finding(rule, "dlq:" + topic + ":" + partition + ":" + offset,
                rule.baseSeverity(), what + " on " + topic + " could not be read and went to the dead-letter topic: "
                + reason + ".", Instant.ofEpochMilli(Math.max(0, record.timestamp())), null, List.of(), List.of(),
                List.of(), evidence);
        final Alert alert = finding.toAlert(Alert.OPEN);
        context.forward(new Record<>(alert.alert().id(), alert, record.timestamp()));
    }

    private static String header(final Headers headers, final String name) {
        final Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String excerpt(final byte[] value) {
        if (value == null) {
            return null;
        }
        final String text = new String(value, 0, Math.min(value.length, 200), StandardCharsets.UTF_8);
        return text.replaceAll("\\p{Cntrl}", "?");
    }
}
