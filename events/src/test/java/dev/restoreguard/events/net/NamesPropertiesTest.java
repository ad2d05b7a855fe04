package dev.restoreguard.events.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based tests (jqwik): normalizing a normalized name, address or network changes nothing,
 * and no input makes the normalizers throw anything but their documented exception.
 */
class NamesPropertiesTest {

    private static final String OBSERVER = "vbr01.corp.example";

    @Property(tries = 1000)
    void shouldNormalizeNamesIdempotently(@ForAll("names") final String name) {
        final String once = Names.normalize(name);
        assertThat(Names.normalize(once)).isEqualTo(once);
        final String qualified = Names.normalize(name, OBSERVER);
        assertThat(Names.normalize(qualified, OBSERVER)).isEqualTo(qualified);
    }

    @Property(tries = 1000)
    void shouldNormalizeAddressesIdempotently(@ForAll("addresses") final String text) {
        final Optional<String> once = IpAddresses.normalize(text);
        once.ifPresent(ip -> {
            assertThat(IpAddresses.normalize(ip)).hasValue(ip);
            assertThat(IpAddresses.isIpLiteral(ip)).isTrue();
            assertThat(Names.normalize(ip)).isEqualTo(ip);
        });
    }

    @Property(tries = 1000)
    void shouldRenderAParsedNetworkThatParsesToItself(@ForAll("networks") final String text) {
        final Cidr cidr;
        try {
            cidr = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            return; // the documented rejection
        }
        assertThat(Cidr.parse(cidr.toString())).isEqualTo(cidr);
        assertThat(Cidr.parse(cidr.toString()).toString()).isEqualTo(cidr.toString());
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09-_. \t.%:[]İıß").ofMaxLength(30),
                Arbitraries.strings().ofMaxLength(30),
                addresses());
    }

    @Provide
    Arbitrary<String> addresses() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 300).list().ofSize(4)
                        .map(l -> String.join(".", l.stream().map(String::valueOf).toList())),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF:.%[]").ofMaxLength(45),
                Arbitraries.of("::1", "fe80::1%eth0", "2001:DB8::0:1", "::ffff:10.0.0.1", "[::1]", "010.0.0.1", "1.2.3",
                        "::", "0:0:0:0:0:0:0:0", "::ffff:1.2.3.4.", "1.2.3.4."));
    }

    @Provide
    Arbitrary<String> networks() {
        return net.jqwik.api.Combinators.combine(addresses(), Arbitraries.integers().between(-1, 130),
                Arbitraries.of("/", "", "//", "/ ")).as((a, bits, slash) -> a + slash + bits);
    }
}
