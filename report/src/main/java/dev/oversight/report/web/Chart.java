package dev.oversight.report.web;

import java.util.ArrayList;
import java.util.List;

/**
 * A bar chart drawn on the server as inline SVG (templates {@code hbars.jte} and {@code columns.jte}), so a page
 * shows it without JavaScript and prints it. The geometry is worked out here; the templates only place it.
 *
 * @param max the value of a full-length bar (100 for percentages)
 */
public record Chart(String title, List<Bar> bars, double max) {

    /** One bar: its label, its value, the text shown beside it, and where it links (may be null). */
    public record Bar(String label, double value, String text, String link) {}

    /** A bar with its place: {@code x, y, width, height} in the SVG's user units. */
    public record Placed(Bar bar, double x, double y, double width, double height) {}

    public static final int WIDTH = 720;
    static final int LABEL = 180;
    static final int ROW = 22;
    static final int PLOT_HEIGHT = 160;
    /** A few weeks should not look like a wall: columns are at most this wide. */
    static final int MAX_COLUMN = 48;

    public boolean empty() {
        return bars.isEmpty();
    }

    /** Horizontal bars, one row each: label on the left, value on the right. */
    public int rowsHeight() {
        return ROW * bars.size() + 4;
    }

    public List<Placed> rows() {
        List<Placed> placed = new ArrayList<>();
        double room = WIDTH - LABEL - 90;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            placed.add(new Placed(b, LABEL, i * ROW + 2, max <= 0 ? 0 : Math.max(1, room * b.value() / max), ROW - 6));
        }
        return placed;
    }

    /** Columns side by side (a series over weeks): value upwards, label under every few. */
    public int columnsHeight() {
        return PLOT_HEIGHT + 40;
    }

    public List<Placed> columns() {
        List<Placed> placed = new ArrayList<>();
        double step = bars.isEmpty() ? 0 : Math.min(MAX_COLUMN, (double) (WIDTH - 40) / bars.size());
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double h = max <= 0 ? 0 : PLOT_HEIGHT * b.value() / max;
            placed.add(new Placed(b, 40 + i * step + 1, PLOT_HEIGHT - h + 10, Math.max(1, step - 2), h));
        }
        return placed;
    }

    /** Whether a column's label is shown: at most about twelve labels, evenly spread. */
    public boolean labelled(int index) {
        int every = Math.max(1, (int) Math.ceil(bars.size() / 12.0));
        return index % every == 0;
    }

    public int plotHeight() {
        return PLOT_HEIGHT;
    }
}
