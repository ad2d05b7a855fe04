package dev.restoreguard.streams;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test fixture: feeds scenario lines (contract section 5) through the collectors' parsing code
 * and the real topology in a {@link ReplayDriver}, and answers questions about the alerts.
 */
final class ScenarioFixture implements AutoCloseable {

    static final String INVENTORY = """
            {"kind":"inventory","at":"2026-11-20T08:00:00Z","assets":[\
            {"name":"sql-prod-01.corp.example","ips":["10.20.1.15"],"environment":"production"},\
            {"name":"sql-dev-01.corp.example","ips":["10.30.1.15"],"environment":"development"},\
            {"name":"sql-stg-01.corp.example","ips":["10.40.1.15"],"environment":"staging"},\
            {"name":"vbr01.corp.example","ips":["10.50.0.10"],"environment":"management"}],\
            "networks":[{"cidr":"10.20.0.0/16","environment":"production"},{"cidr":"10.30.0.0/16","environment":"development"},\
            {"cidr":"10.40.0.0/16","environment":"staging"},{"cidr":"10.50.0.0/16","environment":"management"},\
            {"cidr":"fd00:20::/32","environment":"Production"}]}""";

    private final ScenarioReader reader = TestBridge.reader();
    private final ReplayDriver driver;
    private final List<String> skipped = new ArrayList<>();
    private int line;

    ScenarioFixture() {
        this(EngineConfig.defaults());
    }

    /** An engine with {@code config}; one that trusts no key trusts the tests' bridge ({@link TestBridge}). */
    ScenarioFixture(final EngineConfig config) {
        driver = new ReplayDriver(config.trustedKeys().keys().isEmpty() ? TestBridge.trusting(config) : config);
    }

    /** Feeds scenario lines in arrival order. */
    ScenarioFixture feed(final String... lines) {
        for (String l : lines) {
            final ScenarioReader.Outcome outcome = reader.read(++line, l);
            if (outcome instanceof ScenarioReader.Skipped s) {
                skipped.add(s.reason());
            } else if (outcome instanceof ScenarioReader.Events events) {
                for (Routed r : events.events()) {
                    driver.send(r.topic(), r.key(), r.envelope());
                }
            }
        }
        return this;
    }

    /** The events scenario lines stand for, in arrival order, without sending them. */
    List<Routed> events(final String... lines) {
        final List<Routed> routed = new ArrayList<>();
        for (String l : lines) {
            if (reader.read(++line, l) instanceof ScenarioReader.Events events) {
                routed.addAll(events.events());
            }
        }
        return routed;
    }

    /** Sends one event that arrived at {@code arrival}, whatever was sent before it. */
    void send(final Routed event, final long arrival) {
        driver.send(event.topic(), event.key(), event.envelope(), arrival);
    }

    ReplayDriver driver() {
        return driver;
    }

    List<String> skipped() {
        return skipped;
    }

    List<Alert> finalAlerts() {
        return driver.finalAlerts();
    }

    List<Alert> published() {
        driver.settle();
        return driver.publishedAlerts();
    }

    Optional<Alert> alert(final String rule, final String subject) {
        return finalAlerts().stream()
                .filter(a -> a.rule().id().equals(rule) && a.alert().subject().equals(subject)).findFirst();
    }

    /** Final open alerts as "RULE severity subject" strings, for compact assertions. */
    List<String> open() {
        return finalAlerts().stream().filter(a -> Alert.OPEN.equals(a.alert().status()))
                .map(a -> a.rule().id() + " " + a.alert().severity().label() + " " + a.alert().subject())
                .sorted().toList();
    }

    /** Final retracted alerts as "RULE subject" strings. */
    List<String> retracted() {
        return finalAlerts().stream().filter(a -> Alert.RETRACTED.equals(a.alert().status()))
                .map(a -> a.rule().id() + " " + a.alert().subject()).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> targets(final Alert alert) {
        return (List<Map<String, Object>>) alert.restoreguard().evidence().get("targets");
    }

    static String hosts(final String at, final String observer, final String content) {
        return "{\"kind\":\"hosts_file\",\"at\":\"" + at + "\",\"observer\":\"" + observer
                + "\",\"path\":\"/etc/hosts\",\"content\":" + quote(content) + "}";
    }

    static String dns(final String at, final String action, final String name, final String type, final String data) {
        return "{\"kind\":\"dns_record\",\"at\":\"" + at + "\",\"zone\":\"corp.example\",\"name\":\"" + name
                + "\",\"type\":\"" + type + "\",\"action\":\"" + action + "\",\"data\":\"" + data
                + "\",\"server\":\"dc01.corp.example\",\"user\":\"CORP\\\\dnsadmin\"}";
    }

    static String restore(final String at, final String session, final String state, final String target) {
        return "{\"kind\":\"restore\",\"at\":\"" + at + "\",\"product\":\"veeam\",\"session_id\":\"" + session
                + "\",\"state\":\"" + state + "\",\"observer\":\"vbr01.corp.example\""
                + (target == null ? "" : ",\"target\":\"" + target + "\"") + ",\"initiator\":\"CORP\\\\jdoe\"}";
    }

    static String approval(final String at, final String change, final String state, final String target,
                           final String start, final String end) {
        return "{\"kind\":\"approval\",\"at\":\"" + at + "\",\"change_id\":\"" + change + "\",\"state\":\"" + state
                + "\",\"targets\":[\"" + target + "\"]"
                + (start == null ? "" : ",\"window\":{\"start\":\"" + start + "\",\"end\":\"" + end + "\"}")
                + ",\"approved_by\":\"cab@corp.example\"}";
    }

    private static String quote(final String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t") + "\"";
    }

    @Override
    public void close() {
        driver.close();
    }
}
