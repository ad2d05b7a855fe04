package dev.restoreguard.producers.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.inventory.InventorySnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryLoaderTest {

    private static final String GOOD = """
            assets:
              - name: SQL-PROD-01.corp.example.
                ips: [10.20.1.15, "2001:DB8::0:1"]
                environment: Production
                owner: dba-team
              - name: sql-dev-01.corp.example
                ips: [10.30.1.15]
                environment: development
            networks:
              - cidr: 10.0.0.0/8
                environment: development
              - cidr: 10.20.0.0/16
                environment: production
            """;

    @Test
    void shouldLoadANormalizedSnapshotAllowingMoreSpecificOverlaps() {
        final InventorySnapshot s = InventoryLoader.parse(GOOD, "inv.yaml", Map.of());
        assertThat(s.assets()).extracting(InventorySnapshot.Asset::name)
                .containsExactly("sql-prod-01.corp.example", "sql-dev-01.corp.example");
        assertThat(s.assets().get(0).ips()).containsExactly("10.20.1.15", "2001:db8::1");
        assertThat(s.assets().get(0).environment()).isEqualTo("production");
        assertThat(s.assets().get(0).owner()).isEqualTo("dba-team");
        assertThat(s.networks()).extracting(InventorySnapshot.Network::cidr).containsExactly("10.0.0.0/8", "10.20.0.0/16");
    }

    @Test
    void shouldNameLineAndKeyOfEveryProblem() {
        final String bad = """
                assets:
                  - name: sql-prod-01
                    ips: [10.20.1.15]
                    environment: production
                  - name: SQL-PROD-01
                    ips: [10.20.1.16, 10.020.1.1]
                    environment: production
                  - name: sql-dev-01
                    ips: [10.20.1.15]
                    environment: development
                networks:
                  - cidr: 10.20.1.7/16
                    environment: production
                  - cidr: 10.30.0.0/16
                    environment: development
                  - cidr: 10.30.0.0/16
                    environment: staging
                """;
        assertThatThrownBy(() -> InventoryLoader.parse(bad, "inv.yaml", Map.of()))
                .isInstanceOf(InventoryLoader.InventoryException.class)
                .satisfies(e -> {
                    final List<String> p = ((InventoryLoader.InventoryException) e).problems();
                    assertThat(p).hasSize(5);
                    assertThat(p.get(0)).startsWith("line 5: assets[1].name: duplicate asset 'sql-prod-01'");
                    assertThat(p.get(1)).startsWith("line 6: assets[1].ips[1]: not an IP address: '10.020.1.1'");
                    assertThat(p.get(2)).startsWith("line 9: assets[2].ips[0]: IP 10.20.1.15 is claimed by 'sql-dev-01'");
                    assertThat(p.get(3)).startsWith("line 12: networks[0].cidr: invalid CIDR").contains("10.20.0.0/16");
                    assertThat(p.get(4)).startsWith("line 16: networks[2]: network 10.30.0.0/16 is listed twice")
                            .contains("development and staging");
                });
    }

    @Test
    void shouldRefuseUnknownKeysAndTheReservedEnvironment() {
        assertThatThrownBy(() -> InventoryLoader.parse("assets:\n  - name: a\n    ip: [1.2.3.4]\n    environment: x\n",
                "inv.yaml", Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("unknown key");
        assertThatThrownBy(() -> InventoryLoader.parse("networks:\n  - cidr: 10.0.0.0/8\n    environment: Unknown\n",
                "inv.yaml", Map.of())).hasMessageContaining("line 2: networks[0].environment: 'unknown' is reserved");
    }
}
