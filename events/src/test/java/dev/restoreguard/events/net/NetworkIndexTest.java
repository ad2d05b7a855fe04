package dev.restoreguard.events.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkIndexTest {

    @ParameterizedTest
    @CsvSource({
        "10.20.0.0/16, 10.20.0.0/16",
        "' 10.20.0.0/16 ', 10.20.0.0/16",
        "0.0.0.0/0, 0.0.0.0/0",
        "10.20.1.15, 10.20.1.15/32",
        "10.20.1.15/32, 10.20.1.15/32",
        "2001:DB8:0:0::/32, 2001:db8::/32",
        "::/0, ::/0",
        "2001:db8::1, 2001:db8::1/128",
        "::ffff:10.0.0.0/104, ::ffff:10.0.0.0/104",
    })
    void shouldParseCidrToCanonicalForm(String input, String expected) {
        assertThat(Cidr.parse(input)).hasToString(expected);
        assertThat(NetworkIndex.parse(input)).isEqualTo(Cidr.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "/", "10.20.0.0/", "10.20.0.0/33", "10.20.0.0/-1", "10.20.0.0/+8", "10.20.0.0/1a",
        "10.20.0.0/0008", "2001:db8::/129", "fe80::%eth0/64", "[2001:db8::]/32", "10.020.0.0/16",
        "corp.example/16", "10.20.0.0/16/8", "10.20.0.0 / 16",
    })
    void shouldRejectInvalidCidrNamingTheInput(String input) {
        assertThatThrownBy(() -> Cidr.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + input.strip());
    }

    @Test
    void shouldRejectNullCidr() {
        assertThatThrownBy(() -> Cidr.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectHostBitsAndSuggestTheNetwork() {
        assertThatThrownBy(() -> Cidr.parse("10.20.1.7/16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10.20.1.7/16'")
                .hasMessageContaining("host bits")
                .hasMessageContaining("10.20.0.0/16");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::1/32")).hasMessageContaining("2001:db8::/32");
    }

    @Test
    void shouldMaskHostBitsWhenAskedTo() {
        assertThat(Cidr.parseMasked("10.20.1.7/16")).isEqualTo(new Cidr("10.20.0.0", 16));
        assertThat(Cidr.parseMasked("2001:db8:ffff::1/33")).hasToString("2001:db8:8000::/33");
        assertThat(Cidr.parseMasked("10.255.255.255/0")).hasToString("0.0.0.0/0");
    }

    @Test
    void shouldRejectNonCanonicalRecordComponents() {
        assertThatThrownBy(() -> new Cidr("2001:DB8::", 32)).hasMessageContaining("canonical");
        assertThatThrownBy(() -> new Cidr("10.0.0.0", 33)).hasMessageContaining("0-32");
        assertThatThrownBy(() -> new Cidr("10.0.0.1", 8)).hasMessageContaining("host bits");
    }

    @Test
    void shouldTestContainment() {
        final Cidr v4 = Cidr.parse("10.20.0.0/16");
        assertThat(v4.contains("10.20.1.15")).isTrue();
        assertThat(v4.contains("10.21.0.0")).isFalse();
        assertThat(v4.contains("::ffff:10.20.1.15")).isTrue();
        assertThat(v4.contains("2001:db8::1")).isFalse();
        assertThat(v4.contains("sql-dev-01")).isFalse();
        assertThat(v4.contains(null)).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains("1.2.3.4")).isTrue();
        final Cidr v6 = Cidr.parse("2001:db8::/32");
        assertThat(v6.contains("2001:DB8:ffff::1")).isTrue();
        assertThat(v6.contains("2001:db9::1")).isFalse();
        assertThat(v6.contains("10.20.1.15")).isFalse();
        assertThat(Cidr.parse("2001:db8::/127").contains("2001:db8::1")).isTrue();
        assertThat(Cidr.parse("2001:db8::/128").contains("2001:db8::1")).isFalse();
        assertThat(v6.isIpv6()).isTrue();
        assertThat(v4.isIpv6()).isFalse();
    }

    @Test
    void shouldReturnMostSpecificNetwork() {
        final NetworkIndex index = NetworkIndex.ofText(ordered(
                "10.0.0.0/8", "management",
                "10.20.0.0/16", "Production ",
                "10.20.1.0/24", "staging",
                "10.20.1.15/32", "development",
                "0.0.0.0/0", "test",
                "2001:db8::/32", "production",
                "2001:db8:1::/48", "development"));
        assertThat(index.environmentOf("10.20.1.15")).contains("development");
        assertThat(index.environmentOf("10.20.1.16")).contains("staging");
        assertThat(index.environmentOf("10.20.2.1")).contains("production");
        assertThat(index.environmentOf("10.30.0.1")).contains("management");
        assertThat(index.environmentOf("192.168.0.1")).contains("test");
        assertThat(index.environmentOf("2001:db8:1::5")).contains("development");
        assertThat(index.environmentOf("2001:DB8:0002::5")).contains("production");
        assertThat(index.environmentOf("2001:db9::1")).isEmpty();
        assertThat(index.networkOf("10.20.2.1")).contains(NetworkIndex.Entry.of("10.20.0.0/16", "production"));
    }

    @Test
    void shouldBeEmptyForNonLiteralsAndEmptyIndex() {
        final NetworkIndex index = NetworkIndex.ofText(Map.of("0.0.0.0/0", "test"));
        assertThat(index.environmentOf("sql-dev-01.corp.example")).isEmpty();
        assertThat(index.environmentOf("")).isEmpty();
        assertThat(index.environmentOf(null)).isEmpty();
        assertThat(NetworkIndex.EMPTY.environmentOf("10.0.0.1")).isEmpty();
        assertThat(NetworkIndex.EMPTY.size()).isZero();
    }

    @Test
    void shouldMatchIpv4MappedAddressesAgainstIpv4Networks() {
        final NetworkIndex index = NetworkIndex.ofText(ordered(
                "10.20.0.0/16", "production",
                "::/0", "test"));
        assertThat(index.environmentOf("::ffff:10.20.1.15")).contains("production");
        assertThat(index.environmentOf("::ffff:10.30.1.15")).contains("test");
        // A more specific IPv6 spelling of the mapped range wins over a broader IPv4 network.
        final NetworkIndex specific = NetworkIndex.ofText(ordered(
                "10.20.0.0/16", "production",
                "::ffff:10.20.1.0/120", "staging"));
        assertThat(specific.environmentOf("::ffff:10.20.1.15")).contains("staging");
        assertThat(specific.environmentOf("10.20.1.15")).contains("production");
    }

    @Test
    void shouldKeepFirstOfDuplicateNetworks() {
        final NetworkIndex index = NetworkIndex.of(List.of(
                NetworkIndex.Entry.of("10.20.0.0/16", "production"),
                NetworkIndex.Entry.of("10.20.0.0/16", "staging")));
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.environmentOf("10.20.0.1")).contains("production");
    }

    @Test
    void shouldRejectBlankAndReservedEnvironmentLabels() {
        assertThatThrownBy(() -> NetworkIndex.Entry.of("10.0.0.0/8", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/8");
        assertThatThrownBy(() -> NetworkIndex.Entry.of("10.0.0.0/8", "Unknown"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    }

    @Test
    void shouldAgreeWithLinearScanOnManyRandomNetworks() {
        final Random random = new Random(1);
        final List<NetworkIndex.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            final int prefix = 8 + random.nextInt(25);
            final String address = IpAddresses.formatV4(random.nextInt());
            entries.add(new NetworkIndex.Entry(Cidr.parseMasked(address + "/" + prefix), "env" + (i % 7)));
            if (i % 10 == 0) {
                final long hi = 0x20010db800000000L | (random.nextLong() & 0xffffffffL);
                final int p6 = 32 + random.nextInt(97);
                entries.add(new NetworkIndex.Entry(
                        Cidr.parseMasked(IpAddresses.formatV6(hi, random.nextLong()) + "/" + p6), "v6env" + (i % 5)));
            }
        }
        final NetworkIndex index = NetworkIndex.of(entries);
        final List<NetworkIndex.Entry> unique = index.entries();
        for (int n = 0; n < 200; n++) {
            final String ip = n % 3 == 0
                    ? IpAddresses.formatV6(0x20010db800000000L | (random.nextLong() & 0xffffL), random.nextLong())
                    : IpAddresses.formatV4(random.nextInt());
            NetworkIndex.Entry best = null;
            for (NetworkIndex.Entry e : unique) {
                if (e.cidr().contains(ip) && (best == null || e.cidr().prefixLength() > best.cidr().prefixLength())) {
                    best = e;
                }
            }
            assertThat(index.networkOf(ip)).as(ip).isEqualTo(java.util.Optional.ofNullable(best));
        }
    }

    @Test
    void shouldIndexHundredThousandNetworks() {
        final List<NetworkIndex.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            // Distinct /24s from 10.0.0.0 on (into 11.x) and a /32 host route in every tenth of them.
            final int base = (10 << 24) + (i << 8);
            entries.add(new NetworkIndex.Entry(new Cidr(IpAddresses.formatV4(base), 24), "env" + (i % 3)));
            if (i % 10 == 0) {
                entries.add(new NetworkIndex.Entry(new Cidr(IpAddresses.formatV4(base | 7), 32), "host"));
            }
        }
        final NetworkIndex index = NetworkIndex.of(entries);
        assertThat(index.size()).isEqualTo(110_000);
        assertThat(index.environmentOf("10.1.134.7")).contains("host"); // i = 390 -> 10.1.134.0/24
        assertThat(index.environmentOf("10.1.134.8")).contains("env0");
        assertThat(index.environmentOf("10.1.135.7")).contains("env1");
        assertThat(index.environmentOf("11.0.0.1")).contains("env1"); // i = 65536
        assertThat(index.environmentOf("12.0.0.1")).isEmpty();
    }

    private static Map<String, String> ordered(String... pairs) {
        final Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
