package dev.restoreguard.events.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "10.20.1.15, 10.20.1.15",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "' 10.0.0.1\t', 10.0.0.1",
        "::, ::",
        "::1, ::1",
        "2001:DB8::1, 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:db8::0:1, 2001:db8::1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
        "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
        "fe80::1%eth0, fe80::1",
        "FE80::1%12, fe80::1",
        "[::1], ::1",
        "[fe80::a%en0], fe80::a",
        "::ffff:10.20.1.15, ::ffff:10.20.1.15",
        "::FFFF:0a14:010f, ::ffff:10.20.1.15",
        "0:0:0:0:0:ffff:10.20.1.15, ::ffff:10.20.1.15",
        "::10.20.1.15, ::a14:10f",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    })
    void shouldNormalizeValidLiterals(String input, String expected) {
        assertThat(IpAddresses.normalize(input)).contains(expected);
        assertThat(IpAddresses.isIpLiteral(input)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "localhost", "sql-dev-01.corp.example", "10.0.0", "10.0.0.1.2", "10.0.0.256",
        "010.0.0.1", "10.00.0.1", "1.2.3.04", "10.0.0.-1", "10..0.1", ".10.0.0.1", "10.0.0.1.",
        "0x0a.0.0.1", "167772161", "10.1", "10.0.0.1%eth0", "[10.0.0.1]", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "12345::1", "g::1",
        "::1%", "::1%a b", "[::1", "::1]", "[]", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3",
        "::ffff:1.2.3.4:5", "1.2.3.4::", "fe80::1%eth0%1", "\u0661.\u0662.\u0663.\u0664",
        "\uff11::1", "dead:beef::cafe:babe:x", "\u000010.0.0.1", "10.0.0.1\u001b",
    })
    void shouldRejectInvalidLiterals(String input) {
        assertThat(IpAddresses.normalize(input)).isEmpty();
        assertThat(IpAddresses.isIpLiteral(input)).isFalse();
    }

    @Test
    void shouldRejectNull() {
        assertThat(IpAddresses.normalize(null)).isEmpty();
        assertThat(IpAddresses.isIpLiteral(null)).isFalse();
        assertThat(IpAddresses.mappedIpv4(null)).isEmpty();
    }

    @Test
    void shouldConvertToNetworkOrderBytes() {
        assertThat(IpAddresses.toBytes("10.20.1.15")).containsExactly(10, 20, 1, 15);
        assertThat(IpAddresses.toBytes("2001:db8::1"))
                .containsExactly(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(IpAddresses.toBytes("::ffff:1.2.3.4")).hasSize(16).endsWith(0xff, 0xff, 1, 2, 3, 4);
    }

    @Test
    void shouldRejectNonLiteralInToBytesNamingTheInput() {
        assertThatThrownBy(() -> IpAddresses.toBytes("db.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("db.example");
    }

    @Test
    void shouldExtractIpv4FromMappedAddressesOnly() {
        assertThat(IpAddresses.mappedIpv4("::ffff:10.20.1.15")).contains("10.20.1.15");
        assertThat(IpAddresses.mappedIpv4("::FFFF:a14:10f")).contains("10.20.1.15");
        assertThat(IpAddresses.mappedIpv4("10.20.1.15")).isEmpty();
        assertThat(IpAddresses.mappedIpv4("::a14:10f")).isEmpty();
        assertThat(IpAddresses.mappedIpv4("name")).isEmpty();
    }

    @Test
    void shouldParseRegionWithoutBracketsWhenAsked() {
        final String line = "x fe80::1%eth0 y";
        assertThat(IpAddresses.canonicalOrNull(line, 2, 14, false)).isEqualTo("fe80::1");
        assertThat(IpAddresses.canonicalOrNull("[::1]", 0, 5, false)).isNull();
        assertThat(IpAddresses.canonicalOrNull("[::1]", 0, 5, true)).isEqualTo("::1");
    }

    @Test
    void shouldAgreeWithGuavaOnRandomIpv6Addresses() throws Exception {
        // Guava is the reference for RFC 5952 formatting; mapped addresses are special-cased by us.
        final Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            final byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            // Plant zero runs so compression is exercised.
            final int zeroFrom = random.nextInt(16);
            final int zeroTo = Math.min(16, zeroFrom + random.nextInt(12));
            for (int k = zeroFrom; k < zeroTo; k++) {
                bytes[k] = 0;
            }
            final InetAddress address = InetAddress.getByAddress(bytes);
            final String reference = InetAddresses.toAddrString(address);
            if (address instanceof java.net.Inet4Address) {
                continue; // a mapped address: Java turns it into IPv4
            }
            final String expanded = expand(bytes);
            assertThat(IpAddresses.normalize(expanded)).as(expanded).contains(reference);
            assertThat(IpAddresses.normalize(reference)).as(reference).contains(reference);
            assertThat(IpAddresses.toBytes(reference)).isEqualTo(bytes);
        }
    }

    @Test
    void shouldNeverThrowOnRandomText() {
        final Random random = new Random(7);
        final char[] alphabet = "0123456789abcdefABCDEF:.%[] \tgx/\u0000\uffff".toCharArray();
        for (int n = 0; n < 100_000; n++) {
            final char[] chars = new char[random.nextInt(45)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = alphabet[random.nextInt(alphabet.length)];
            }
            final String text = new String(chars);
            final var normalized = IpAddresses.normalize(text);
            // Canonical text is a fixed point.
            normalized.ifPresent(c -> assertThat(IpAddresses.normalize(c)).contains(c));
        }
    }

    private static String expand(byte[] bytes) {
        final StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 16; k += 2) {
            if (k > 0) {
                sb.append(':');
            }
            sb.append(String.format("%04X", ((bytes[k] & 0xff) << 8) | (bytes[k + 1] & 0xff)));
        }
        return sb.toString();
    }
}
