package dev.restoreguard.events.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads RestoreGuard's YAML configuration into records, strictly: unknown keys and duplicate keys
 * fail, {@code ${VAR}} and {@code ${VAR:-default}} are replaced from the environment (an unset
 * variable without default fails), snake_case keys map to record components, and every error
 * names the key path ({@code sinks.alerts.channels[1].type: ...}) and, where known, the line.
 * Validation itself lives in the records' compact constructors ({@link ConfigException}).
 */
public final class StrictYaml {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                    .maxDocumentLength(16L * 1024 * 1024).build())
            .build())
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // a missing number is 0/false: records default it in their compact constructor (use boxed types)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private StrictYaml() {
    }

    /** Reads {@code file} into {@code type}, substituting variables from {@code env}. */
    public static <T> T read(final Path file, final Class<T> type, final Map<String, String> env) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(text, type, env);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses YAML text into {@code type}, substituting variables from {@code env}. */
    public static <T> T parse(final String yaml, final Class<T> type, final Map<String, String> env) {
        final String substituted = substitute(yaml, env);
        try {
            final T value = MAPPER.readValue(substituted, type);
            if (value == null) {
                // a YAML null document ("null", "~"): callers get a record or an error, never null
                throw new ConfigException("the document is null; write {} for an empty mapping");
            }
            return value;
        } catch (JsonMappingException e) {
            throw new ConfigException(describe(e), e);
        } catch (IOException e) {
            throw new ConfigException("not valid YAML: " + e.getMessage(), e);
        }
    }

    /** Replaces {@code ${VAR}} and {@code ${VAR:-default}}; an unset variable without default fails. */
    public static String substitute(final String text, final Map<String, String> env) {
        final Matcher m = VARIABLE.matcher(text);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            final String value = env.get(m.group(1));
            final String replacement = value != null ? value : m.group(2);
            if (replacement == null) {
                final int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                throw new ConfigException("line " + line + ": environment variable " + m.group(1)
                        + " is not set and has no default (${" + m.group(1) + ":-default})");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String describe(final JsonMappingException e) {
        final String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
        final String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof ConfigException ce) {
                return ce.getMessage().startsWith(path) || path.isEmpty() ? ce.getMessage() + line
                        : path + "." + ce.getMessage() + line;
            }
            cause = cause.getCause();
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return (path.isEmpty() ? u.getPropertyName() : path) + ": unknown key" + line + "; known keys: "
                    + u.getKnownPropertyIds();
        }
        return (path.isEmpty() ? "" : path + ": ") + e.getOriginalMessage() + line;
    }
}
