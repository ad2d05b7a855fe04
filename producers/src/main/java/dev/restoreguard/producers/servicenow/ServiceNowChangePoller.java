package dev.restoreguard.producers.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.producers.runtime.EventSink;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.restoreguard.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls ServiceNow's Table API for {@code change_request} records updated since a watermark and
 * publishes each through {@link ServiceNowChangeMapper} as an approval.
 *
 * <p>Request: {@code GET /api/now/table/change_request?sysparm_query=sys_updated_on>=YYYY-MM-DD
 * HH:MM:SS^ORDERBYsys_updated_on&sysparm_display_value=all&sysparm_exclude_reference_link=true
 * &sysparm_limit=N&sysparm_offset=K}, with basic auth or an OAuth bearer token. Pages are followed
 * through the {@code Link} header's {@code rel="next"}, and, when a server omits the header, by
 * advancing {@code sysparm_offset} while pages come back full. The query is {@code >=} the
 * watermark, so the last change seen is fetched again: its event id is deterministic, so the
 * engine and the Elasticsearch sink drop the duplicate, and a change updated twice in the same
 * second is never lost. The API user's time zone must be UTC-neutral for the query: the Table API
 * compares {@code sysparm_query} date-times in the user's time zone (documented in
 * docs/collectors-restores-approvals.md).
 *
 * <p>Topics written: {@code restoreguard.approvals} (key change number, value {@link Envelope} of
 * an approval). This is the approval bridge's ServiceNow side: every approval is signed by its
 * {@link ApprovalSigner} before it is published.
 */
public final class ServiceNowChangePoller {

    private static final Logger LOGGER = LoggerFactory.getLogger(ServiceNowChangePoller.class);
    /** Source name in envelopes. */
    public static final String SOURCE = "servicenow";
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?([a-z]+)\"?");

    /** How the poller authenticates. */
    public sealed interface Auth permits Basic, Bearer {
        String header();
    }

    /** HTTP basic auth with a ServiceNow user. */
    public record Basic(String user, String password) implements Auth {
        @Override
        public String header() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[user=" + user + "]";
        }
    }

    /** OAuth 2.0 bearer token, asked for on every request so a refreshing supplier works. */
    public record Bearer(Supplier<String> token) implements Auth {
        @Override
        public String header() {
            return "Bearer " + token.get();
        }
    }

    /** What one poll did. */
    public record PollResult(int records, int published, int skipped, Instant watermark) {
    }

    private final URI instance;
    private final Auth auth;
    private final int pageSize;
    private final HttpClient client;
    private final Duration timeout;
    private final ServiceNowChangeMapper mapper = new ServiceNowChangeMapper();
    private final ApprovalSigner signer;

    /**
     * @param instance the instance base URI ({@code https://corp.service-now.com})
     * @param pageSize {@code sysparm_limit}
     * @param signer   the approval bridge's signer
     */
    public ServiceNowChangePoller(final URI instance, final Auth auth, final int pageSize, final HttpClient client,
                                  final Duration timeout, final ApprovalSigner signer) {
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("page size must be 1..10000, was " + pageSize);
        }
        this.instance = instance;
        this.auth = auth;
        this.pageSize = pageSize;
        this.client = client;
        this.timeout = timeout;
        this.signer = java.util.Objects.requireNonNull(signer, "signer");
    }

    /** The first page's URI for records updated at or after {@code since}. */
    URI firstPage(final Instant since) {
        final String query = "sys_updated_on>=" + ServiceNowChangeMapper.glide(since) + "^ORDERBYsys_updated_on";
        return instance.resolve("/api/now/table/change_request?sysparm_query=" + enc(query)
                + "&sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_limit=" + pageSize
                + "&sysparm_offset=0");
    }

    /** Every record updated at or after {@code since}, in the server's order, across all pages. */
    public List<JsonNode> fetchSince(final Instant since) throws IOException, InterruptedException {
        final List<JsonNode> records = new ArrayList<>();
        URI next = firstPage(since);
        int offset = 0;
        int pages = 0;
        while (next != null) {
            if (++pages > 100_000) {
                throw new IOException("ServiceNow paging does not end (100000 pages)");
            }
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(next).timeout(timeout)
                    .header("Accept", "application/json").header("Authorization", auth.header()).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IOException("ServiceNow " + next.getPath() + " answered HTTP " + response.statusCode() + ": "
                        + cut(response.body()));
            }
            final JsonNode result = Json.MAPPER.readTree(response.body()).path("result");
            if (!result.isArray()) {
                throw new IOException("ServiceNow answer has no result array: " + cut(response.body()));
            }
            result.forEach(records::add);
            final Optional<URI> linkNext = link(response, "next");
            if (linkNext.isPresent()) {
                next = linkNext.get().isAbsolute() ? linkNext.get() : instance.resolve(linkNext.get());
            } else if (result.size() >= pageSize && response.headers().firstValue("Link").isEmpty()) {
                offset += result.size();
                final String first = firstPage(since).toString();
                next = URI.create(first.substring(0, first.lastIndexOf("sysparm_offset=")) + "sysparm_offset=" + offset);
            } else {
                next = null;
            }
        }
        return records;
    }

    /**
     * Fetches, maps and publishes what changed since {@code since}; returns the counts and the new
     * watermark (the newest {@code sys_updated_on} seen, or {@code since} when nothing came).
     */
    public PollResult poll(final Instant since, final EventSink sink) throws IOException, InterruptedException {
        final List<JsonNode> records = fetchSince(since);
        Instant watermark = since;
        int published = 0;
        int skipped = 0;
        for (JsonNode record : records) {
            switch (mapper.map(record)) {
                case ServiceNowChangeMapper.Mapped m -> {
                    final Envelope e = signer.envelope(SOURCE, m.at(), m.approval());
                    if (!sink.publish(Topics.APPROVALS, m.approval().changeId(), e)) {
                        // spool full: do not move the watermark past what was not taken
                        return new PollResult(records.size(), published, skipped, watermark);
                    }
                    published++;
                    if (m.at().isAfter(watermark)) {
                        watermark = m.at();
                    }
                    if (!m.notes().isEmpty()) {
                        LOGGER.atInfo().addKeyValue("change", m.approval().changeId())
                                .addKeyValue("notes", String.join("; ", m.notes())).log("ServiceNow change mapped with notes");
                    }
                }
                case ServiceNowChangeMapper.Skipped s -> {
                    skipped++;
                    LOGGER.atWarn().addKeyValue("reason", s.reason()).log("ServiceNow change_request skipped");
                }
            }
        }
        return new PollResult(records.size(), published, skipped, watermark);
    }

    private static Optional<URI> link(final HttpResponse<?> response, final String rel) {
        for (String header : response.headers().allValues("Link")) {
            final Matcher m = LINK.matcher(header);
            while (m.find()) {
                if (rel.equals(m.group(2))) {
                    return Optional.of(URI.create(m.group(1)));
                }
            }
        }
        return Optional.empty();
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String cut(final String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
