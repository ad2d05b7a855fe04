package dev.restoreguard.producers.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.restoreguard.events.net.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostsFileParserTest {

    private static final String OBSERVER = "vbr01.corp.example";
    private final HostsFileParser parser = new HostsFileParser();

    @Test
    void shouldParseWindowsSampleWithOverride() {
        final String content = "# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n"
                + "#\t127.0.0.1       localhost\r\n#\t::1             localhost\r\n"
                + "10.20.1.15\tsql-dev-01.corp.example sql-dev-01   # temp fix, DNS broken\r\n";
        final ParsedHostsFile parsed = parser.parse(content);
        assertThat(parsed.entries()).containsExactly(
                new HostsEntry(5, "10.20.1.15", List.of("sql-dev-01.corp.example", "sql-dev-01")));
        assertThat(parsed.ignored()).isEmpty();
        assertThat(parsed.lineCount()).isEqualTo(5);
        assertThat(parsed.truncated()).isFalse();
    }

    @Test
    void shouldHandleEveryLineEndingAndBom() {
        final String content = "\uFEFF10.0.0.1 a\n10.0.0.2 b\r\n10.0.0.3 c\r10.0.0.4 d\r\n\r\n10.0.0.5 e";
        final ParsedHostsFile parsed = parser.parse(content);
        assertThat(parsed.entries()).extracting(HostsEntry::line, HostsEntry::address)
                .containsExactly(
                        tuple(1, "10.0.0.1"),
                        tuple(2, "10.0.0.2"),
                        tuple(3, "10.0.0.3"),
                        tuple(4, "10.0.0.4"),
                        tuple(6, "10.0.0.5"));
        assertThat(parsed.lineCount()).isEqualTo(6);
        assertThat(parser.parse("10.0.0.1 a\n").lineCount()).isEqualTo(1);
        assertThat(parser.parse("\n\n").lineCount()).isEqualTo(2);
    }

    @Test
    void shouldParseLargeCrOnlyFileInLinearTime() {
        // Old Mac line ends: a parser that searched for '\n' from every line start would go quadratic.
        final StringBuilder content = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            content.append("10.0.").append(i >> 8 & 255).append('.').append(i & 255).append(" h").append(i).append('\r');
        }
        final ParsedHostsFile parsed = parser.parse(content.toString());
        assertThat(parsed.entries()).hasSize(100_000);
        assertThat(parsed.lineCount()).isEqualTo(100_000);
        assertThat(parsed.entries().get(99_999).names()).containsExactly("h99999");
    }

    @Test
    void shouldDecodeBomFromBytes() {
        final byte[] bytes = "\uFEFF10.0.0.1 a\n".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(bytes).entries()).extracting(HostsEntry::address).containsExactly("10.0.0.1");
    }

    @Test
    void shouldSplitOnRunsOfSpacesAndTabsAndCutInlineComments() {
        final ParsedHostsFile parsed = parser.parse("  10.0.0.1 \t  Alpha.Corp.Example.\t\tbeta  gamma#delta\n"
                + "10.0.0.2 one#two three\n");
        assertThat(parsed.entries()).containsExactly(
                new HostsEntry(1, "10.0.0.1", List.of("alpha.corp.example", "beta", "gamma")),
                new HostsEntry(2, "10.0.0.2", List.of("one")));
    }

    @Test
    void shouldAcceptIpv6WithZoneAndCanonicalizeIt() {
        final ParsedHostsFile parsed = parser.parse("FE80:0:0::0001%eth0 link-local\n::1 localhost ip6-localhost\n"
                + "::ffff:10.20.1.15 mapped\n[::1] bracketed\n");
        assertThat(parsed.entries()).extracting(HostsEntry::address)
                .containsExactly("fe80::1", "::1", "::ffff:10.20.1.15");
        assertThat(parsed.ignored()).singleElement().satisfies(i -> {
            assertThat(i.line()).isEqualTo(4);
            assertThat(i.reason()).contains("not an IP address").contains("[::1]");
        });
    }

    @Test
    void shouldIgnoreJunkAndAddressesWithoutNames() {
        final ParsedHostsFile parsed = parser.parse(String.join("\n",
                "sql-prod-01 10.20.1.15",
                "010.20.1.15 octal-looking",
                "10.20.1.15",
                "10.20.1.15    # only a comment",
                "10.20.1.15 bad!name also/bad",
                "   ",
                "# comment",
                "10.20.1.15 10.20.1.16"));
        assertThat(parsed.entries()).isEmpty();
        assertThat(parsed.ignored()).extracting(IgnoredLine::line).containsExactly(1, 2, 3, 4, 5, 8);
        assertThat(parsed.ignored().get(0).reason()).isEqualTo("not an IP address: 'sql-prod-01'");
        assertThat(parsed.ignored().get(2).reason()).isEqualTo("address without host names");
        assertThat(parsed.ignored().get(4).reason()).contains("no valid host name").contains("'bad!name'")
                .contains("'also/bad'");
        assertThat(parsed.ignored().get(4).excerpt()).isEqualTo("10.20.1.15 bad!name also/bad");
        assertThat(parsed.lineCount()).isEqualTo(8);
    }

    @Test
    void shouldSkipInvalidNamesButKeepValidOnesOfTheSameLine() {
        final String longLabel = "a".repeat(64);
        final ParsedHostsFile parsed = parser.parse("10.0.0.1 good " + longLabel + " x..y .lead ok_name. 1.2.3.4 über bad!\n");
        assertThat(parsed.entries()).containsExactly(new HostsEntry(1, "10.0.0.1", List.of("good", "ok_name")));
        assertThat(parsed.ignored()).singleElement().satisfies(i -> {
            assertThat(i.line()).isEqualTo(1);
            assertThat(i.reason()).startsWith("invalid host names skipped: ").contains("'x..y'", "'.lead'")
                    .contains("and 1 more");
        });
    }

    @Test
    void shouldTakeOnlyStrictDottedQuadsAsIpv4WhateverTheirLength() {
        final ParsedHostsFile parsed = parser.parse(String.join("\n",
                "0.0.0.0 a", "255.255.255.255 b", "9.99.199.249 c",
                "256.0.0.1 x", "1.2.3 x", "1.2.3.4.5 x", "1.2.3.04 x", "01.2.3.4 x", "1..2.3 x", "1.2.3.4. x",
                "1234.1.1.1 x", "4294967296.1.1.1 x", "1.2.3.4x x", ".1.2.3.4 x", "1.2.3.4%eth0 x", "1.2.3.-4 x"));
        assertThat(parsed.entries()).extracting(HostsEntry::address)
                .containsExactly("0.0.0.0", "255.255.255.255", "9.99.199.249");
        assertThat(parsed.ignored()).extracting(IgnoredLine::line)
                .containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        assertThat(parsed.ignored()).allSatisfy(i -> assertThat(i.reason()).startsWith("not an IP address: "));
    }

    @Test
    void shouldCheckEveryLabelsLengthAndLowerCaseOnlyAsciiLetters() {
        final String label63 = "b".repeat(63);
        final String label64 = "c".repeat(64);
        final ParsedHostsFile parsed = parser.parse("10.0.0.1 x." + label63 + ".y x." + label64 + ".y x." + label64
                + " " + label64 + ".y SQL-Dev_01.Corp.EXAMPLE. 12 1.2.3.4 1.2.3.4.5\n");
        assertThat(parsed.entries().get(0).names())
                .containsExactly("x." + label63 + ".y", "sql-dev_01.corp.example", "12", "1.2.3.4.5");
        assertThat(parsed.ignored()).singleElement().satisfies(i -> assertThat(i.reason())
                .startsWith("invalid host names skipped: 'x.ccc").contains("'1.2.3.4'").doesNotContain("more"));
    }

    @Test
    void shouldEnforceNameAndLabelLengths() {
        final String label63 = "a".repeat(63);
        final String name253 = String.join(".", label63, label63, label63, "a".repeat(61));
        assertThat(name253).hasSize(253);
        final ParsedHostsFile parsed = parser.parse("10.0.0.1 " + name253 + " " + name253 + "b " + name253 + ".\n");
        assertThat(parsed.entries().get(0).names()).containsExactly(name253, name253);
        assertThat(parsed.ignored()).hasSize(1);
    }

    @Test
    void shouldIgnoreOverlongLinesWithExcerpt() {
        final HostsFileParser small = new HostsFileParser(1 << 20, 50);
        final String longLine = "10.0.0.1 " + "x".repeat(200);
        final ParsedHostsFile parsed = small.parse("10.0.0.2 fine\n" + longLine + "\n10.0.0.3 also-fine\n");
        assertThat(parsed.entries()).extracting(HostsEntry::address).containsExactly("10.0.0.2", "10.0.0.3");
        assertThat(parsed.ignored()).singleElement().satisfies(i -> {
            assertThat(i.line()).isEqualTo(2);
            assertThat(i.reason()).isEqualTo("line too long (209 characters, limit 50)");
            assertThat(i.excerpt()).isEqualTo(longLine.substring(0, HostsFileParser.EXCERPT_LENGTH));
        });
    }

    @Test
    void shouldTruncateAtSizeCapAndIgnoreThePartialLine() {
        final HostsFileParser capped = new HostsFileParser(24, 4096);
        // 12 bytes per line: "10.0.0.1 aa\n"; the cap cuts the third line in the middle.
        final String content = "10.0.0.1 aa\n10.0.0.2 bb\n10.0.0.3 cc\n10.0.0.4 dd\n";
        final ParsedHostsFile exact = capped.parse(content);
        assertThat(exact.truncated()).isTrue();
        assertThat(exact.entries()).hasSize(2);
        assertThat(exact.ignored()).isEmpty();
        assertThat(exact.lineCount()).isEqualTo(2);

        final ParsedHostsFile cut = new HostsFileParser(30, 4096).parse(content);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.entries()).extracting(HostsEntry::address).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(cut.ignored()).singleElement().satisfies(i -> {
            assertThat(i.line()).isEqualTo(3);
            assertThat(i.reason()).contains("partial last line");
            assertThat(i.excerpt()).isEqualTo("10.0.0");
        });
        final ParsedHostsFile cutBytes = new HostsFileParser(30, 4096).parse(content.getBytes(StandardCharsets.UTF_8));
        assertThat(cutBytes).isEqualTo(cut);
    }

    @Test
    void shouldCountUtf8BytesForTheCapWithoutSplittingSurrogatePairs() {
        assertThat(HostsFileParser.utf8Cut("ab", 10)).isEqualTo(2);
        assertThat(HostsFileParser.utf8Cut("aé€", 5)).isEqualTo(2); // 1 + 2 + 3 bytes
        assertThat(HostsFileParser.utf8Cut("a\uD83D\uDE00b", 4)).isEqualTo(1); // the pair needs 4 bytes
        assertThat(HostsFileParser.utf8Cut("a\uD83D\uDE00b", 5)).isEqualTo(3);
    }

    @Test
    void shouldDecodeInvalidUtf8WithReplacement() {
        final byte[] bytes = {'1', '0', '.', '0', '.', '0', '.', '1', ' ', 'o', 'k', '\n',
            '1', '0', '.', '0', '.', '0', '.', '2', ' ', (byte) 0xC3, (byte) 0x28, '\n', (byte) 0xFF, (byte) 0xFE, 'x'};
        final ParsedHostsFile parsed = parser.parse(bytes);
        assertThat(parsed.entries()).extracting(HostsEntry::address).containsExactly("10.0.0.1");
        assertThat(parsed.ignored()).extracting(IgnoredLine::line).containsExactly(2, 3);
        assertThat(parsed.ignored().get(1).excerpt()).contains("\uFFFD");
    }

    @Test
    void shouldNotTrimControlCharactersIntoAValidAddress() {
        final ParsedHostsFile parsed = parser.parse("\u000010.0.0.1 a\n10.0.0.1\u0000 b\n10.0.0.1 c\u0000\n");
        assertThat(parsed.entries()).isEmpty();
        assertThat(parsed.ignored()).extracting(IgnoredLine::line).containsExactly(1, 2, 3);
    }

    @Test
    void shouldSanitizeControlCharactersInExcerpts() {
        final ParsedHostsFile parsed = parser.parse("junk\u0000\u001b[31m\tred\n");
        assertThat(parsed.ignored().get(0).excerpt()).isEqualTo("junk??[31m red");
    }

    @Test
    void shouldTreatNullAndEmptyAsEmptyFile() {
        assertThat(parser.parse((String) null)).isEqualTo(ParsedHostsFile.EMPTY);
        assertThat(parser.parse((byte[]) null)).isEqualTo(ParsedHostsFile.EMPTY);
        assertThat(parser.parse("")).isEqualTo(ParsedHostsFile.EMPTY);
    }

    @Test
    void shouldRejectNonPositiveCaps() {
        assertThatThrownBy(() -> new HostsFileParser(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostsFileParser(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNeverThrowOnRandomBytes() {
        final Random random = new Random(20261120);
        for (int n = 0; n < 100; n++) {
            final byte[] bytes = new byte[random.nextInt(20_000)];
            random.nextBytes(bytes);
            final ParsedHostsFile parsed = parser.parse(bytes);
            assertThat(parsed.lineCount()).isGreaterThanOrEqualTo(parsed.entries().size());
        }
        // Random text built from the characters the parser reacts to.
        final char[] alphabet = "0123456789abcdefxyzABC.:%#[]-_ \t\r\n\uFEFF\uD83D\u0000é".toCharArray();
        for (int n = 0; n < 300; n++) {
            final char[] chars = new char[random.nextInt(4_000)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = alphabet[random.nextInt(alphabet.length)];
            }
            final ParsedHostsFile parsed = parser.parse(new String(chars));
            final int longest = parsed.ignored().stream().mapToInt(i -> i.excerpt().length()).max().orElse(0);
            assertThat(longest).isLessThanOrEqualTo(HostsFileParser.EXCERPT_LENGTH);
        }
    }

    @Test
    void shouldSurviveHugeLinesAndHugeFiles() {
        final String hugeLine = "10.0.0.1 " + "a".repeat(100_000);
        final ParsedHostsFile parsed = parser.parse("10.0.0.2 ok\n" + hugeLine + "\n" + hugeLine + "\r\n10.0.0.3 ok2");
        assertThat(parsed.entries()).extracting(HostsEntry::address).containsExactly("10.0.0.2", "10.0.0.3");
        assertThat(parsed.ignored()).extracting(IgnoredLine::reason).allMatch(r -> r.startsWith("line too long"));

        // 50 MB without a single line end: capped at 16 MiB, reported, not thrown.
        final byte[] fifty = new byte[50 * 1024 * 1024];
        Arrays.fill(fifty, (byte) 'x');
        final ParsedHostsFile big = parser.parse(fifty);
        assertThat(big.truncated()).isTrue();
        assertThat(big.lineCount()).isEqualTo(1);
        assertThat(big.ignored()).singleElement().satisfies(i -> assertThat(i.reason()).contains("partial last line"));
    }

    @Test
    void shouldKeepFirstEntryPerNormalizedNameInFileOrder() {
        final ParsedHostsFile parsed = parser.parse("10.20.1.15 sql-dev-01\n"
                + "10.30.1.15 SQL-DEV-01.corp.example. backup\n"
                + "10.40.1.15 backup other.example\n");
        final Map<String, HostsEntry> first = HostsFileParser.firstEntries(parsed, OBSERVER);
        assertThat(first.keySet()).containsExactly(
                "sql-dev-01.corp.example", "backup.corp.example", "other.example");
        assertThat(first.get("sql-dev-01.corp.example").address()).isEqualTo("10.20.1.15");
        assertThat(first.get("backup.corp.example").line()).isEqualTo(2);
        assertThat(HostsFileParser.firstEntries(parsed, null).keySet())
                .containsExactly("sql-dev-01", "sql-dev-01.corp.example", "backup", "other.example");
    }

    @Test
    void shouldDiffAddedRemovedAndChangedNames() {
        final ParsedHostsFile before = parser.parse("127.0.0.1 localhost\n10.30.1.15 sql-dev-01\n10.1.1.1 gone\n");
        final ParsedHostsFile after = parser.parse("127.0.0.1 localhost\n"
                + "10.20.1.15 sql-dev-01.corp.example\n10.30.1.15 sql-dev-01\n10.9.9.9 new\n");
        final HostsDiff diff = HostsFileParser.diff(before, after, OBSERVER);
        assertThat(diff.added()).containsExactly(
                new HostsDiff.Change("new.corp.example", null, "10.9.9.9", 0, 4));
        assertThat(diff.removed()).containsExactly(
                new HostsDiff.Change("gone.corp.example", "10.1.1.1", null, 3, 0));
        assertThat(diff.changed()).containsExactly(
                new HostsDiff.Change("sql-dev-01.corp.example", "10.30.1.15", "10.20.1.15", 2, 2));
    }

    @Test
    void shouldNotReportMovedLinesOrDeadDuplicates() {
        final ParsedHostsFile before = parser.parse("10.0.0.1 a\n");
        final ParsedHostsFile after = parser.parse("# moved down\n\n10.0.0.1 a\n10.0.0.2 a\n");
        assertThat(HostsFileParser.diff(before, after, OBSERVER).isEmpty()).isTrue();
    }

    @Test
    void shouldIgnoreDeadDuplicatesOnBothSides() {
        final ParsedHostsFile before = parser.parse("10.0.0.1 a\n10.0.0.9 a\n");
        final ParsedHostsFile after = parser.parse("10.0.0.2 b\n10.0.0.8 b\n10.0.0.1 a\n10.0.0.7 a\n");
        final HostsDiff diff = HostsFileParser.diff(before, after, null);
        assertThat(diff.added()).containsExactly(new HostsDiff.Change("b", null, "10.0.0.2", 0, 1));
        assertThat(diff.changed()).isEmpty();
        assertThat(diff.removed()).isEmpty();
    }

    @Test
    void shouldKeyByTheContractsNormalizationOfEveryName() {
        final ParsedHostsFile parsed = parser.parse("10.0.0.1 Short LONG.Corp.Example. x_y-z 1e100.net\n");
        final Map<String, HostsEntry> first = HostsFileParser.firstEntries(parsed, "VBR01.corp.example.");
        assertThat(first.keySet()).containsExactlyElementsOf(parsed.entries().get(0).names().stream()
                .map(n -> Names.normalize(n, OBSERVER)).toList());
    }

    @Test
    void shouldAgreeWithNaiveDiffOfFullFirstEntryMaps() {
        // The diff trims the common head and tail; check it against the plain definition on random
        // edits of files that reuse few names, so shadowing across head, middle and tail is common.
        final Random random = new Random(5952);
        final String[] names = {"a", "b", "c", "a.corp.example", "d.other", "e", "B.", "f"};
        for (int n = 0; n < 2_000; n++) {
            final List<String> lines = new ArrayList<>();
            for (int i = random.nextInt(12); i > 0; i--) {
                lines.add(randomLine(random, names));
            }
            final List<String> edited = new ArrayList<>(lines);
            for (int e = random.nextInt(4); e > 0; e--) {
                final int at = edited.isEmpty() ? 0 : random.nextInt(edited.size());
                switch (random.nextInt(3)) {
                    case 0 -> edited.add(at, randomLine(random, names));
                    case 1 -> { if (!edited.isEmpty()) { edited.remove(at); } }
                    default -> { if (!edited.isEmpty()) { edited.set(at, randomLine(random, names)); } }
                }
            }
            if (n % 2 == 0) {
                // A long shared head and tail (with the same few names) takes the trimming path.
                final List<String> head = new ArrayList<>();
                final List<String> tail = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    head.add(random.nextInt(4) == 0 ? randomLine(random, names) : "10.9.9." + i + " u" + i);
                    tail.add(random.nextInt(4) == 0 ? randomLine(random, names) : "10.8.8." + i + " t" + i);
                }
                lines.addAll(0, head);
                edited.addAll(0, head);
                lines.addAll(tail);
                edited.addAll(tail);
            }
            final ParsedHostsFile before = parser.parse(String.join("\n", lines));
            final ParsedHostsFile after = parser.parse(String.join("\n", edited));
            assertThat(HostsFileParser.diff(before, after, OBSERVER))
                    .as(() -> lines + "\n->\n" + edited)
                    .isEqualTo(naiveDiff(before, after));
        }
    }

    @Test
    void shouldAgreeWithNaiveDiffOnLargeFilesWithEditsEverywhere() {
        final Random random = new Random(4291);
        final String[] pool = new String[8_000];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i % 3 == 0 ? "n" + i : "n" + i + ".corp.example";
        }
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            lines.add(randomLine(random, pool));
        }
        final List<String> edited = new ArrayList<>(lines);
        for (int e = 0; e < 500; e++) {
            edited.set(random.nextInt(edited.size()), randomLine(random, pool));
            edited.remove(random.nextInt(edited.size()));
        }
        for (int i = 0; i < 3_000; i++) {
            edited.add(random.nextInt(edited.size()), "10.7.7.7 fresh" + i + " FRESH" + i + ".corp.example.");
        }
        final ParsedHostsFile before = parser.parse(String.join("\n", lines));
        final ParsedHostsFile after = parser.parse(String.join("\r\n", edited));
        final HostsDiff diff = HostsFileParser.diff(before, after, OBSERVER);
        assertThat(diff).isEqualTo(naiveDiff(before, after));
        assertThat(diff.added()).hasSizeGreaterThan(3_000);
        assertThat(diff.changed()).isNotEmpty();
        assertThat(HostsFileParser.diff(after, before, OBSERVER)).isEqualTo(naiveDiff(after, before));
    }

    private static String randomLine(Random random, String[] names) {
        final StringBuilder line = new StringBuilder("10.0.0.").append(random.nextInt(3));
        for (int k = 1 + random.nextInt(3); k > 0; k--) {
            line.append(' ').append(names[random.nextInt(names.length)]);
        }
        return line.toString();
    }

    private static HostsDiff naiveDiff(ParsedHostsFile before, ParsedHostsFile after) {
        final Map<String, HostsEntry> was = HostsFileParser.firstEntries(before, OBSERVER);
        final Map<String, HostsEntry> is = HostsFileParser.firstEntries(after, OBSERVER);
        final List<HostsDiff.Change> added = new ArrayList<>();
        final List<HostsDiff.Change> removed = new ArrayList<>();
        final List<HostsDiff.Change> changed = new ArrayList<>();
        is.forEach((name, a) -> {
            final HostsEntry b = was.get(name);
            if (b == null) {
                added.add(new HostsDiff.Change(name, null, a.address(), 0, a.line()));
            } else if (!b.address().equals(a.address())) {
                changed.add(new HostsDiff.Change(name, b.address(), a.address(), b.line(), a.line()));
            }
        });
        was.forEach((name, b) -> {
            if (!is.containsKey(name)) {
                removed.add(new HostsDiff.Change(name, b.address(), null, b.line(), 0));
            }
        });
        return new HostsDiff(added, removed, changed);
    }

    @Test
    void shouldTreatMissingBaselineAsEverythingAdded() {
        final ParsedHostsFile after = parser.parse("10.0.0.1 a b\n");
        final HostsDiff diff = HostsFileParser.diff(null, after, OBSERVER);
        assertThat(diff.added()).extracting(HostsDiff.Change::name).containsExactly("a.corp.example", "b.corp.example");
        assertThat(HostsFileParser.diff(after, null, OBSERVER).removed()).hasSize(2);
    }
}
