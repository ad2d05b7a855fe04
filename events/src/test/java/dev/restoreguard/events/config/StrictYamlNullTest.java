package dev.restoreguard.events.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A YAML null document ({@code NULL}, found by Jazzer in the inventory) is an error, not a null record. */
class StrictYamlNullTest {

    record Doc(String a) {
    }

    @Test
    void shouldRefuseANullDocumentInsteadOfReturningNull() {
        for (String yaml : new String[] {"NULL", "null", "~", "--- ~\n", "# only a comment\nnull\n"}) {
            assertThatThrownBy(() -> StrictYaml.parse(yaml, Doc.class, Map.of())).as(yaml)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("document is null");
        }
    }
}
