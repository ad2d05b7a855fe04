package dev.restoreguard.producers.veeam;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lenient RFC 5424 parser, written for what Veeam Backup &amp; Replication's event forwarding
 * actually sends rather than for the letter of the RFC. Accepted deviations (each seen in Veeam's
 * own examples or in the field):
 *
 * <ul>
 *   <li>a byte order mark before the line or before MSG (also in its mis-decoded form
 *       {@code ï»¿}); a missing PRI ({@code 1 2025-...}, as Veeam's Event Reference prints them);</li>
 *   <li>several spaces between header fields, and SD elements separated by spaces
 *       ({@code [origin enterpriseId="31023"] [categoryId=0 ...]});</li>
 *   <li>an SD element without SD-ID and with unquoted values ({@code [categoryId=0 instanceId=40210 ...]});</li>
 *   <li>unescaped backslashes ({@code InitiatorName="CORP\alice"}) - a backslash escapes only
 *       {@code "}, {@code \} and {@code ]}, as RFC 5424 section 6.3.3 lists, and is literal otherwise;</li>
 *   <li>unescaped quotes inside values ({@code UserFullInfo="<ModifiedUserInfo fullName="CORP\alice" />"}):
 *       a quote right after {@code =} opens a nested quoted string, and a quote closes the value only
 *       when {@code ]}, the end of the line or {@code name=} follows it;</li>
 *   <li>a bracketed severity token such as {@code [INF]} between the header and the structured data;</li>
 *   <li>an SD element cut off by the end of the line (a truncated UDP datagram) keeps what was read.</li>
 * </ul>
 *
 * Anything else malformed throws {@link SyslogFormatException} with the reason. Stateless and
 * thread-safe.
 */
public final class Rfc5424Parser {

    private static final String BOM = "\uFEFF";
    private static final String BOM_AS_LATIN1 = "\u00EF\u00BB\u00BF";

    /** Parses one line (without its trailing newline; a trailing CR/LF is ignored). */
    public SyslogMessage parse(final String rawLine) {
        if (rawLine == null) {
            throw new SyslogFormatException("empty line");
        }
        final String s = stripBom(rawLine).strip();
        if (s.isEmpty()) {
            throw new SyslogFormatException("empty line");
        }
        final Cursor c = new Cursor(s);
        String severityToken = c.severityToken();
        c.skipSpaces();
        Integer priority = null;
        if (c.peek() == '<') {
            priority = c.priority();
        }
        final String version = c.token();
        if (!version.chars().allMatch(Character::isDigit) || version.isEmpty() || version.length() > 2) {
            throw new SyslogFormatException("not RFC 5424: no VERSION after PRI (RFC 3164 or plain text?)");
        }
        final String ts = c.token();
        final java.time.Instant timestamp;
        if ("-".equals(ts)) {
            timestamp = null;
        } else {
            try {
                timestamp = OffsetDateTime.parse(ts).toInstant();
            } catch (DateTimeParseException e) {
                throw new SyslogFormatException("TIMESTAMP is not an RFC 3339 time: '" + cut(ts) + "'");
            }
        }
        final String hostname = nil(c.token());
        final String appName = nil(c.token());
        final String procId = nil(c.token());
        final String msgId = nil(c.token());
        if (msgId == null && c.atEnd() && appName == null) {
            throw new SyslogFormatException("header incomplete");
        }
        final List<SyslogMessage.SdElement> elements = new ArrayList<>();
        c.skipSpaces();
        while (!c.atEnd()) {
            if (c.peek() == '-' && (c.pos + 1 == s.length() || s.charAt(c.pos + 1) == ' ')) {
                c.pos++;
                break;
            }
            if (c.peek() != '[') {
                break;
            }
            final String token = c.severityToken();
            if (token != null) {
                severityToken = severityToken == null ? token : severityToken;
            } else {
                elements.add(c.element());
            }
            c.skipSpaces();
        }
        c.skipSpaces();
        String message = c.atEnd() ? null : stripBom(s.substring(c.pos));
        if (message != null && message.isBlank()) {
            message = null;
        }
        return new SyslogMessage(priority, timestamp, hostname, appName, procId, msgId, severityToken, elements, message);
    }

    private static String stripBom(final String text) {
        String t = text;
        boolean changed = true;
        while (changed) {
            changed = false;
            if (t.startsWith(BOM)) {
                t = t.substring(1);
                changed = true;
            } else if (t.startsWith(BOM_AS_LATIN1)) {
                t = t.substring(3);
                changed = true;
            }
        }
        return t;
    }

    private static String nil(final String token) {
        return token.isEmpty() || "-".equals(token) ? null : token;
    }

    static String cut(final String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    /** Position over the line; every method advances it. */
    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(final String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(pos);
        }

        void skipSpaces() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        /** The next space-delimited header field (several spaces in a row count as one). */
        String token() {
            skipSpaces();
            final int start = pos;
            while (pos < s.length() && s.charAt(pos) != ' ' && s.charAt(pos) != '\t') {
                pos++;
            }
            if (start == pos) {
                throw new SyslogFormatException("header incomplete at column " + (start + 1));
            }
            return s.substring(start, pos);
        }

        int priority() {
            final int close = s.indexOf('>', pos);
            if (close < 0 || close - pos < 2 || close - pos > 4) {
                throw new SyslogFormatException("PRI is not <0..191>");
            }
            final String digits = s.substring(pos + 1, close);
            if (!digits.chars().allMatch(Character::isDigit)) {
                throw new SyslogFormatException("PRI is not <0..191>: '<" + digits + ">'");
            }
            final int value = Integer.parseInt(digits);
            if (value > 191) {
                throw new SyslogFormatException("PRI out of range: " + value);
            }
            pos = close + 1;
            return value;
        }

        /** {@code [INF]}, {@code [WRN]}, ...: brackets around letters only; null (and no move) otherwise. */
        String severityToken() {
            if (peek() != '[') {
                return null;
            }
            int i = pos + 1;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            if (i == pos + 1 || i - pos > 8 || i >= s.length() || s.charAt(i) != ']') {
                return null;
            }
            final String token = s.substring(pos + 1, i);
            pos = i + 1;
            return token;
        }

        SyslogMessage.SdElement element() {
            pos++; // '['
            String id = null;
            final int start = pos;
            while (pos < s.length() && " ]=\"".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            if (pos < s.length() && s.charAt(pos) == '=') {
                pos = start; // Veeam: no SD-ID, the element starts with a parameter
            } else {
                id = s.substring(start, pos);
                if (id.isEmpty()) {
                    throw new SyslogFormatException("structured data element without SD-ID or parameter at column "
                            + (start + 1));
                }
            }
            final Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                skipSpaces();
                if (atEnd()) {
                    break; // cut off: keep what was read
                }
                if (peek() == ']') {
                    pos++;
                    break;
                }
                final int nameStart = pos;
                while (pos < s.length() && " ]=\"".indexOf(s.charAt(pos)) < 0) {
                    pos++;
                }
                if (pos >= s.length() || s.charAt(pos) != '=' || pos == nameStart) {
                    throw new SyslogFormatException("structured data: expected name=value at column " + (nameStart + 1)
                            + ": '" + cut(s.substring(nameStart)) + "'");
                }
                final String name = s.substring(nameStart, pos);
                pos++; // '='
                final String value = peek() == '"' ? quoted() : unquoted();
                params.put(name, value);
            }
            return new SyslogMessage.SdElement(id, Collections.unmodifiableMap(params));
        }

        private String unquoted() {
            final int start = pos;
            while (pos < s.length() && s.charAt(pos) != ' ' && s.charAt(pos) != ']') {
                pos++;
            }
            return s.substring(start, pos);
        }

        private String quoted() {
            final int open = pos;
            pos++;
            final StringBuilder v = new StringBuilder();
            boolean nested = false;
            while (pos < s.length()) {
                final char ch = s.charAt(pos);
                if (ch == '\\' && pos + 1 < s.length()) {
                    final char next = s.charAt(pos + 1);
                    if (next == '\\' || next == ']') {
                        v.append(next);
                        pos += 2;
                        continue;
                    }
                    if (next == '"') {
                        // C:\Temp\" at the end of a value: the backslash is literal, the quote closes
                        if (!nested && closesValue(pos + 2)) {
                            v.append('\\');
                            pos++;
                            continue;
                        }
                        v.append('"');
                        pos += 2;
                        continue;
                    }
                    v.append('\\'); // CORP\alice: Veeam does not escape backslashes
                    pos++;
                    continue;
                }
                if (ch == '"') {
                    if (nested) {
                        nested = false;
                        v.append(ch);
                        pos++;
                        continue;
                    }
                    if (s.charAt(pos - 1) == '=' && pos - 1 > open && !closesValue(pos + 1)) {
                        nested = true; // fullName="...": an attribute inside an XML-ish value
                        v.append(ch);
                        pos++;
                        continue;
                    }
                    if (closesValue(pos + 1)) {
                        pos++;
                        return v.toString();
                    }
                    v.append(ch);
                    pos++;
                    continue;
                }
                v.append(ch);
                pos++;
            }
            // cut off inside a value: keep it, the caller decides whether the event is usable
            return v.toString();
        }

        /** Whether a quote before {@code i} ends the value: {@code ]}, end of line, or spaces then {@code name=}. */
        private boolean closesValue(final int i) {
            if (i >= s.length() || s.charAt(i) == ']') {
                return true;
            }
            if (s.charAt(i) != ' ' && s.charAt(i) != '\t') {
                return false;
            }
            int k = i;
            while (k < s.length() && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
                k++;
            }
            if (k >= s.length()) {
                return true;
            }
            final char first = s.charAt(k);
            if (!(Character.isLetter(first) || first == '_')) {
                return false;
            }
            while (k < s.length()) {
                final char ch = s.charAt(k);
                if (ch == '=') {
                    return true;
                }
                if (!(Character.isLetterOrDigit(ch) || ch == '_' || ch == '.' || ch == '-' || ch == ':' || ch == '@')) {
                    return false;
                }
                k++;
            }
            return false;
        }
    }
}
