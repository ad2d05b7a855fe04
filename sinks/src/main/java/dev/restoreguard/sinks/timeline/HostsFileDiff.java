package dev.restoreguard.sinks.timeline;

import dev.restoreguard.sinks.timeline.Timeline.DiffLine;
import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two hosts-file contents (longest common subsequence), with three lines of
 * context around each change. Hosts files are small; above {@link #MAX_CELLS} compared line pairs
 * the diff gives up and the timeline shows the collector's per-name changes only.
 */
final class HostsFileDiff {

    static final long MAX_CELLS = 4_000_000L;
    private static final int CONTEXT = 3;

    private HostsFileDiff() {
    }

    /** The diff, or null when the files are too large to compare. */
    static List<DiffLine> diff(final String before, final String after) {
        final String[] a = lines(before);
        final String[] b = lines(after);
        if ((long) a.length * b.length > MAX_CELLS) {
            return null;
        }
        final int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        final List<DiffLine> all = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                all.add(new DiffLine(' ', i + 1, j + 1, a[i]));
                i++;
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                // a replaced line reads as its removal, then its addition
                all.add(new DiffLine('-', i + 1, 0, a[i]));
                i++;
            } else {
                all.add(new DiffLine('+', 0, j + 1, b[j]));
                j++;
            }
        }
        return withContext(all);
    }

    private static List<DiffLine> withContext(final List<DiffLine> all) {
        final boolean[] keep = new boolean[all.size()];
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).op() != ' ') {
                for (int c = Math.max(0, k - CONTEXT); c <= Math.min(all.size() - 1, k + CONTEXT); c++) {
                    keep[c] = true;
                }
            }
        }
        final List<DiffLine> out = new ArrayList<>();
        boolean skipping = false;
        for (int k = 0; k < all.size(); k++) {
            if (keep[k]) {
                out.add(all.get(k));
                skipping = false;
            } else if (!skipping) {
                out.add(new DiffLine('~', 0, 0, "…"));
                skipping = true;
            }
        }
        return out;
    }

    private static String[] lines(final String text) {
        if (text == null || text.isEmpty()) {
            return new String[0];
        }
        // one trailing line break ends the last line; it does not start an empty one
        return text.replaceFirst("\r?\n$", "").split("\r?\n", -1);
    }
}
