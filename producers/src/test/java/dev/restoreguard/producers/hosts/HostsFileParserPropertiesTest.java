package dev.restoreguard.producers.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Property-based tests (jqwik) of the hosts-file parser: hosts-like text and arbitrary text. */
class HostsFileParserPropertiesTest {

    private final HostsFileParser parser = new HostsFileParser();

    @Property(tries = 1000)
    void shouldNeverThrowOnArbitraryText(@ForAll @StringLength(max = 2000) final String text) {
        HostsFileProperties.assertInvariants(parser, parser.parse(text));
    }

    @Property(tries = 1000)
    void shouldNeverThrowOnArbitraryBytes(@ForAll @Size(max = 2000) final byte[] bytes) {
        HostsFileProperties.assertInvariants(parser, parser.parse(bytes));
    }

    @Property(tries = 1000)
    void shouldRoundTripHostsLikeFiles(@ForAll("hostsFiles") final String text) {
        final ParsedHostsFile parsed = parser.parse(text);
        HostsFileProperties.assertInvariants(parser, parsed);
        assertThat(HostsFileParser.diff(parsed, parsed, "vbr01.corp.example").isEmpty()).isTrue();
    }

    private static Arbitrary<String> addresses() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 300).list().ofSize(4).map(l -> l.stream().map(String::valueOf)
                        .reduce((a, b) -> a + "." + b).orElseThrow()),
                Arbitraries.of("::1", "fe80::1%eth0", "2001:DB8::0:1", "::ffff:10.0.0.1", "[::1]", "010.0.0.1", "1.2.3"));
    }

    @Provide
    Arbitrary<String> hostsFiles() {
        final Arbitrary<String> name = Arbitraries.strings().withChars("abcdefghij-_0123456789.").ofMinLength(1).ofMaxLength(30);
        final Arbitrary<String> sep = Arbitraries.of(" ", "\t", "  ", " \t", "\u000B", "\f");
        final Arbitrary<String> entry = Combinators.combine(addresses(), sep, name.list().ofMinSize(0).ofMaxSize(4), sep,
                Arbitraries.of("", "# comment", "#", "#a b"))
                .as((a, s, ns, s2, comment) -> a + s + String.join(s2, ns) + " " + comment);
        final Arbitrary<String> line = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, entry),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("", "# only a comment", "\uFEFF127.0.0.1 localhost")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(60)));
        final Arbitrary<String> eol = Arbitraries.of("\n", "\r\n", "\r");
        return Combinators.combine(line.list().ofMaxSize(30), eol).as((List<String> ls, String e) -> String.join(e, ls));
    }
}
