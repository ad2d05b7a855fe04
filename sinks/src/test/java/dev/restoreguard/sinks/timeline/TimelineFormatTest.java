package dev.restoreguard.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TimelineFormatTest {

    private static final String SENTENCE = "sql-dev-01.corp.example resolved to 10.20.1.15 (production) because of line 8 "
            + "of vbr01's hosts file, added 21 minutes earlier by CORP\\jdoe.";

    private final IncidentFixture incident = new IncidentFixture();
    private final Timeline timeline = incident.timeline(TimelineScope.alert(incident.alert("RG-001").alert().id()));

    @Test
    void shouldPrintTheChainInOrderAsText() {
        final String text = TimelineFormat.TEXT.render(timeline);

        assertThat(text).contains("because: " + SENTENCE);
        assertThat(text.indexOf("CORP\\jdoe changed " + IncidentFixture.PATH)).isPositive()
                .isLessThan(text.indexOf("ALERT      RG-003"));
        assertThat(text.indexOf("ALERT      RG-003")).isLessThan(text.indexOf("CORP\\jdoe started veeam restore"));
        assertThat(text.indexOf("CORP\\jdoe started veeam restore")).isLessThan(text.indexOf("ALERT      RG-001"));
        assertThat(text.indexOf("ALERT      RG-001")).isLessThan(text.indexOf("restore \"Restore Sales to DEV\" of database Sales finished"));
        assertThat(text).contains("+ 8    10.20.1.15\tsql-dev-01.corp.example sql-dev-01   # temp fix");
    }

    @Test
    void shouldNeutralizeTerminalControlCharactersInText() {
        assertThat(TextReport.safe("evil\u001b[2J\rname")).isEqualTo("evil\\u001b[2J\\u000dname");
    }

    @Test
    void shouldWriteOneSelfContainedHtmlReport() {
        final String html = TimelineFormat.HTML.render(timeline);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg id=\"timeline-svg\"").contains("id=\"hosts-diff\"")
                .contains("id=\"summary\"").contains("id=\"targets\"").contains("id=\"approvals\"")
                .contains(HtmlReport.esc(SENTENCE))
                .contains("Content-Security-Policy");
        // nothing fetched from anywhere: no script, no external reference
        assertThat(html).doesNotContainPattern(Pattern.compile("<script|<link|<img|<iframe|src=\"|href=\"|@import|url\\(",
                Pattern.CASE_INSENSITIVE));
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void shouldEscapeMarkupFromHostsCommentsAndUserNamesInHtml() {
        final String html = TimelineFormat.HTML.render(timeline);

        assertThat(html).doesNotContain(IncidentFixture.INJECTION).doesNotContain("<script>").doesNotContain("<img src=x")
                .contains("&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
        assertThat(HtmlReport.esc("\"><svg onload=alert(1)> 'x' & y")).isEqualTo(
                "&quot;&gt;&lt;svg onload=alert(1)&gt; &#39;x&#39; &amp; y");
    }

    @Test
    void shouldWriteMarkdownForTickets() {
        final String md = TimelineFormat.MARKDOWN.render(timeline);

        assertThat(md).startsWith("# Alert RG-001").contains("## Summary").contains("| Time | Kind | What | Who |")
                .contains("```diff\n").contains("+ 10.20.1.15\tsql-dev-01.corp.example sql-dev-01   # temp fix");
        assertThat(md).contains(MarkdownReport.md(SENTENCE));
        // outside the code block, markup is escaped
        final String outsideCode = md.replaceAll("(?s)```diff.*?```", "");
        assertThat(outsideCode).doesNotContain("<script").doesNotContain("<img");
        assertThat(MarkdownReport.md("a|b *c* [x](http://e) <b>")).isEqualTo("a\\|b \\*c\\* \\[x\\](http://e) &lt;b&gt;");
        assertThat(MarkdownReport.fence("x ``` y ```` z")).isEqualTo("`````");
    }

    @Test
    void shouldWriteJsonForTools() throws Exception {
        final JsonNode json = Json.MAPPER.readTree(TimelineFormat.JSON.render(timeline));

        assertThat(json.path("entries")).hasSize(9);
        assertThat(json.at("/entries/6/rule").asText()).isEqualTo("RG-001");
        assertThat(json.at("/entries/6/because/0").asText()).isEqualTo(SENTENCE);
        assertThat(json.at("/entries/6/caused_by/0").asText()).isEqualTo(incident.edit.eventId());
        assertThat(json.at("/hosts_diffs/0/lines")).anySatisfy(l -> assertThat(l.path("op").asText()).isEqualTo("+"));
        assertThat(json.at("/scope/kind").asText()).isEqualTo("ALERT");
    }

    @Test
    void shouldNameTheValidFormats() {
        assertThat(TimelineFormat.of("md")).isEqualTo(TimelineFormat.MARKDOWN);
        assertThat(TimelineFormat.of("HTML")).isEqualTo(TimelineFormat.HTML);
        assertThatThrownBy(() -> TimelineFormat.of("pdf")).hasMessage("--format: unknown format 'pdf', expected one of text, html, md, json");
        assertThat(List.of(TimelineFormat.values())).hasSize(4);
    }
}
