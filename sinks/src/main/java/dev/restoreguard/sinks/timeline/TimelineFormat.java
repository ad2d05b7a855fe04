package dev.restoreguard.sinks.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Json;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The forms a timeline is written in: a console, a self-contained HTML report, Markdown for tickets, JSON for tools. */
public enum TimelineFormat {
    TEXT("text", TextReport::render),
    HTML("html", HtmlReport::render),
    MARKDOWN("md", MarkdownReport::render),
    JSON("json", TimelineFormat::json);

    private final String option;
    private final Function<Timeline, String> renderer;

    TimelineFormat(final String option, final Function<Timeline, String> renderer) {
        this.option = option;
        this.renderer = renderer;
    }

    /** The timeline in this format. */
    public String render(final Timeline timeline) {
        return renderer.apply(timeline);
    }

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

    private static String json(final Timeline timeline) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(timeline) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the timeline as JSON", e);
        }
    }
}
