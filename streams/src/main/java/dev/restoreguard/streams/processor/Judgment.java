package dev.restoreguard.streams.processor;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One judged thing (a restore session, a hosts snapshot, a DNS change) and what it found, kept
 * while a late record may still revise it.
 *
 * @param key          unique key ({@code restore|PRODUCT|SESSION}, {@code hosts|OBSERVER|TIME|ID}, {@code dns|ID})
 * @param kind         {@code restore}, {@code hosts} or {@code dns}
 * @param time         the event time the verdict is computed as of
 * @param observer     the observer, for restore and hosts judgments
 * @param dependencies normalized names whose DNS or inventory state the verdict used ({@code *}: all)
 * @param findings     alert id to the severity this judgment supports
 * @param dnsChange    the DNS change judged, for dns judgments
 */
public record Judgment(String key, String kind, Instant time, String observer, List<String> dependencies,
                       Map<String, Severity> findings, Envelope dnsChange) {

    public static final String RESTORE = "restore";
    public static final String HOSTS = "hosts";
    public static final String DNS = "dns";

    public Judgment {
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
        findings = findings == null ? Map.of() : Map.copyOf(findings);
    }
}
