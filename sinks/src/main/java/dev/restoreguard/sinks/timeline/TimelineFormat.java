package dev.restoreguard.sinks.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Json;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The forms a timeline is written in: a console, a self-contained HTML report, Markdown for tickets, JSON for tools. */
public enum TimelineFormat {
    TEXT("text") {
        @Override
        public String render(final Timeline timeline) {
            return TextReport.render(timeline);
        }
    },
    HTML("html") {
        @Override
        public String render(final Timeline timeline) {
            return HtmlReport.render(timeline);
        }
    },
    MARKDOWN("md") {
        @Override
        public String render(final Timeline timeline) {
            return MarkdownReport.render(timeline);
        }
    },
    JSON("json") {
        @Override
        public String render(final Timeline timeline) {
            try {
                return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(timeline) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the timeline as JSON", e);
            }
        }
    };

    private final String option;

    TimelineFormat(final String option) {
        this.option = option;
    }

    /** The timeline in this format. */
    public abstract String render(Timeline timeline);

    /** The name on the command line ({@code text}, {@code html}, {@code md}, {@code json}). */
    public String option() {
        return option;
    }

    /** The format named on the command line; the error lists the valid names. */
    public static TimelineFormat of(final String name) {
        final String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.option.equals(n) || ("markdown".equals(n) && f == MARKDOWN))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("--format: unknown format '" + name
                        + "', expected one of " + Arrays.stream(values()).map(TimelineFormat::option)
                        .collect(Collectors.joining(", "))));
    }
}
