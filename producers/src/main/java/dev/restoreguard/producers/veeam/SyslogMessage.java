package dev.restoreguard.producers.veeam;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One syslog message as {@link Rfc5424Parser} read it. Fields that were the NILVALUE {@code -}
 * are {@code null}.
 *
 * @param priority  PRI value (facility * 8 + severity), or {@code null} when the line had none
 *                  (Veeam's own documentation prints its examples without it)
 * @param timestamp TIMESTAMP converted to UTC, or {@code null} for {@code -}
 * @param hostname  HOSTNAME as sent
 * @param appName   APP-NAME as sent
 * @param procId    PROCID
 * @param msgId     MSGID
 * @param severityToken a bracketed severity token such as {@code INF} found between the header and
 *                  the structured data, or {@code null}
 * @param elements  the structured-data elements in order
 * @param message   MSG, or {@code null}
 */
public record SyslogMessage(Integer priority, Instant timestamp, String hostname, String appName, String procId,
                            String msgId, String severityToken, List<SdElement> elements, String message) {

    public SyslogMessage {
        elements = elements == null ? List.of() : List.copyOf(elements);
    }

    /**
     * One structured-data element.
     *
     * @param id     the SD-ID, or {@code null} when the element starts straight with a parameter
     *               (Veeam writes {@code [categoryId=0 instanceId=...]} without an SD-ID)
     * @param params parameters in the order sent (a repeated name keeps its last value)
     */
    public record SdElement(String id, Map<String, String> params) {
    }
}
