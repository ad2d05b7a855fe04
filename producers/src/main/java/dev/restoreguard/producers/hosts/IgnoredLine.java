package dev.restoreguard.producers.hosts;

/**
 * A line of a hosts file that the parser skipped (in whole or in part), and why.
 *
 * <p>The resolver ignores such lines too, so they never take effect; they are reported because a
 * broken line in a hosts file is often a failed attempt at an override worth a look.
 *
 * @param line 1-based line number
 * @param reason short human-readable reason, for example {@code not an IP address: 'sqlprod'}
 * @param excerpt at most the first 120 characters of the line, control characters replaced, so it
 *     is safe to log and to index
 */
public record IgnoredLine(int line, String reason, String excerpt) {}
