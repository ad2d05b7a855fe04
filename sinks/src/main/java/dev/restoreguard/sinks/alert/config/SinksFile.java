package dev.restoreguard.sinks.alert.config;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.config.StrictYaml;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The sinks' YAML file: a top-level {@code sinks:} with {@code elasticsearch:} and {@code alerts:}
 * (either may be absent). Read strictly ({@link StrictYaml}): unknown keys fail with their path.
 */
public record SinksFile(Sinks sinks) {

    public SinksFile {
        sinks = sinks == null ? new Sinks(null, null) : sinks;
    }

    /** {@code sinks:}. */
    public record Sinks(ElasticsearchSinkConfig elasticsearch, AlertsConfig alerts) {
        public Sinks {
            elasticsearch = elasticsearch == null ? ElasticsearchSinkConfig.DEFAULT : elasticsearch;
        }
    }

    /** Reads a file, substituting {@code ${VAR}} from {@code env}. */
    public static SinksFile read(final Path file, final Map<String, String> env) {
        return StrictYaml.read(file, SinksFile.class, env);
    }

    /** Parses YAML text. */
    public static SinksFile parse(final String yaml, final Map<String, String> env) {
        return StrictYaml.parse(yaml, SinksFile.class, env);
    }

    /** The alerts section, required by {@code sink alerts}. */
    public AlertsConfig requireAlerts() {
        if (sinks.alerts() == null) {
            throw new ConfigException("sinks.alerts: required (at least one channel under sinks.alerts.channels)");
        }
        return sinks.alerts();
    }
}
