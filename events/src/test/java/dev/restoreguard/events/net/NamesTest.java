package dev.restoreguard.events.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

    private static final String OBSERVER = "vbr01.corp.example";

    @ParameterizedTest
    @CsvSource({
        "SQL-DEV-01.Corp.Example., sql-dev-01.corp.example",
        "sql-dev-01, sql-dev-01",
        "sql-dev-01., sql-dev-01",
        "a.., a..",
        "'a. .', 'a. .'",
        "' Host ', host",
        "10.20.1.15, 10.20.1.15",
        "10.20.1.15., 10.20.1.15",
        "FE80::0001%eth0, fe80::1",
        "[2001:DB8::1], 2001:db8::1",
        "'', ''",
    })
    void shouldNormalizeWithoutObserver(String input, String expected) {
        assertThat(Names.normalize(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "sql-dev-01, sql-dev-01.corp.example",
        "SQL-DEV-01., sql-dev-01.corp.example",
        "sql-dev-01.corp.example, sql-dev-01.corp.example",
        "sql-dev-01.other, sql-dev-01.other",
        "localhost, localhost.corp.example",
        "10.20.1.15, 10.20.1.15",
        "2001:DB8::1, 2001:db8::1",
        "'', ''",
    })
    void shouldQualifyShortNamesWithTheObserversSuffix(String input, String expected) {
        assertThat(Names.normalize(input, OBSERVER)).isEqualTo(expected);
        assertThat(Names.normalize(input, "VBR01.Corp.Example.")).isEqualTo(expected);
    }

    @Test
    void shouldNotQualifyWhenObserverHasNoSuffix() {
        assertThat(Names.normalize("sql-dev-01", "vbr01")).isEqualTo("sql-dev-01");
        assertThat(Names.normalize("sql-dev-01", "vbr01.")).isEqualTo("sql-dev-01");
        assertThat(Names.normalize("sql-dev-01", "10.50.0.10")).isEqualTo("sql-dev-01");
        assertThat(Names.normalize("sql-dev-01", ".corp")).isEqualTo("sql-dev-01");
        assertThat(Names.normalize("sql-dev-01", "")).isEqualTo("sql-dev-01");
        assertThat(Names.normalize("sql-dev-01", (String) null)).isEqualTo("sql-dev-01");
    }

    @Test
    void shouldDeriveDomainSuffix() {
        assertThat(Names.domainSuffix("VBR01.Corp.Example.")).contains("corp.example");
        assertThat(Names.domainSuffix("vbr01.example")).contains("example");
        assertThat(Names.domainSuffix("vbr01")).isEmpty();
        assertThat(Names.domainSuffix("vbr01.")).isEmpty();
        assertThat(Names.domainSuffix("10.50.0.10")).isEmpty();
        assertThat(Names.domainSuffix("fe80::1")).isEmpty();
        assertThat(Names.domainSuffix(null)).isEmpty();
    }

    @Test
    void shouldNormalizeWithPrecomputedSuffixLikeWithObserver() {
        assertThat(Names.normalizeWithSuffix("Sql", "corp.example")).isEqualTo("sql.corp.example");
        assertThat(Names.normalizeWithSuffix("Sql", null)).isEqualTo("sql");
    }

    @ParameterizedTest
    @CsvSource({
        "corp.example, @, corp.example",
        "corp.example, '', corp.example",
        "Corp.Example., sql-dev-01, sql-dev-01.corp.example",
        "corp.example, SQL-DEV-01.corp.example, sql-dev-01.corp.example",
        "corp.example, corp.example, corp.example",
        "corp.example, xcorp.example, xcorp.example.corp.example",
        "corp.example, sql.other.example., sql.other.example",
        "corp.example, sql.other.example, sql.other.example.corp.example",
        "corp.example, a.b, a.b.corp.example",
        "., sql.corp.example, sql.corp.example",
    })
    void shouldQualifyDnsRecordNamesRelativeToTheirZone(String zone, String name, String expected) {
        assertThat(Names.dnsRecordFqdn(zone, name)).isEqualTo(expected);
    }

    @Test
    void shouldTreatNullRecordNameAsApex() {
        assertThat(Names.dnsRecordFqdn("corp.example", null)).isEqualTo("corp.example");
    }

    @ParameterizedTest
    @CsvSource({
        "x.corp.example, corp.example, true",
        "corp.example, corp.example, true",
        "X.CORP.EXAMPLE., corp.example, true",
        "x.corp.example, corp.example., true",
        "xcorp.example, corp.example, false",
        "example, corp.example, false",
        "x.corp.example, '', true",
        "corp.example.net, corp.example, false",
    })
    void shouldCompareSuffixesByWholeLabels(String name, String suffix, boolean expected) {
        assertThat(Names.endsWithLabels(name, suffix)).isEqualTo(expected);
    }

    @Test
    void shouldReturnFirstLabel() {
        assertThat(Names.firstLabel("SQL-DEV-01.corp.example.")).isEqualTo("sql-dev-01");
        assertThat(Names.firstLabel("sql-dev-01")).isEqualTo("sql-dev-01");
        assertThat(Names.firstLabel("")).isEmpty();
    }

    @Test
    void shouldLowerCaseIndependentlyOfDefaultLocale() {
        final Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(Names.normalize("DI", OBSERVER)).isEqualTo("di.corp.example");
            assertThat(Names.normalize("SQL-DEV-01.CORP.EXAMPLE")).isEqualTo("sql-dev-01.corp.example");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
