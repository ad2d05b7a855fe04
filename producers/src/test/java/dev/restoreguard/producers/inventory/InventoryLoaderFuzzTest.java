package dev.restoreguard.producers.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.producers.testing.Invariants;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jazzer fuzz test of the YAML inventory loader. Invariants: only its documented validation
 * exceptions ({@link ConfigException}, {@link InventoryLoader.InventoryException}) escape, each
 * naming a problem; a loaded inventory, written back as YAML, loads to the same snapshot.
 */
class InventoryLoaderFuzzTest {

    static final Map<String, String> ENV = Map.of("ENV", "production", "HOST", "h.corp.example");
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @FuzzTest(maxDuration = "60s")
    void shouldLoadAnyYaml(final byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    static void check(final String yaml) {
        final InventorySnapshot s;
        try {
            s = InventoryLoader.parse(yaml, "fuzz.yaml", ENV);
        } catch (InventoryLoader.InventoryException e) {
            assertThat(e.problems()).isNotEmpty();
            return;
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        s.assets().forEach(a -> Invariants.assertNormalized(a.name()));
        final String rendered = render(s);
        if (rendered.contains("${")) {
            return; // a value with ${ cannot be written back: the loader would substitute it
        }
        assertThat(InventoryLoader.parse(rendered, "rendered.yaml", ENV)).as("load(render(load(x))) == load(x)").isEqualTo(s);
    }

    /** The snapshot as YAML (JSON is YAML), in the file's own shape. */
    static String render(final InventorySnapshot s) {
        final Map<String, Object> file = new LinkedHashMap<>();
        file.put("assets", s.assets().stream().map(a -> {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", a.name());
            m.put("ips", a.ips());
            m.put("environment", a.environment());
            m.put("owner", a.owner());
            return m;
        }).toList());
        file.put("networks", s.networks().stream().map(n -> Map.of("cidr", n.cidr(), "environment", n.environment())).toList());
        try {
            return PLAIN.writeValueAsString(file);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> seeds() {
        return dev.restoreguard.producers.testing.Mutations.seeds(InventoryLoaderFuzzTest.class, "shouldLoadAnyYaml");
    }
}
