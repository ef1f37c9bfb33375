package dev.defensebench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hand-rolled SVG line charts, generated on the JVM: an accuracy-vs-ε chart with axes, ticks, grid,
 * axis titles and a legend, and a tiny sparkline for trends. Every text is XML-escaped, so the output
 * can be inlined into an HTML page as is.
 */
final class SvgChart {

    /** One line of a chart. */
    record Series(String name, List<double[]> points, boolean emphasized) {
        Series {
            Objects.requireNonNull(name, "name");
            points = List.copyOf(points);
        }
    }

    private static final String[] COLORS = {"#2457c5", "#d1495b", "#2a9d8f", "#e09f3e", "#7b4ea3", "#5c6678",
        "#00798c", "#b5651d"};
    private static final int WIDTH = 560;
    private static final int HEIGHT = 340;
    private static final int LEFT = 58;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 50;

    private SvgChart() {
    }

    /**
     * The geometry of one accuracy chart: the plot area's top, width and height, the whole chart's
     * height (which grows with the legend) and the x-axis maximum.
     */
    private record Frame(int top, int height, double plotW, double plotH, double xMax) {

        static Frame of(List<Series> series) {
            double xMax = 0;
            for (Series s : series) {
                for (double[] p : s.points()) {
                    if (Double.isFinite(p[0])) {
                        xMax = Math.max(xMax, p[0]);
                    }
                }
            }
            int legendRows = (series.size() + 2) / 3;
            int top = TOP + legendRows * 16;
            int height = HEIGHT + legendRows * 16;
            return new Frame(top, height, WIDTH - LEFT - RIGHT, height - top - BOTTOM,
                    xMax <= 0 ? 1 : niceCeiling(xMax));
        }

        double bottom() {
            return top + plotH;
        }
    }

    /**
     * A line chart of robust accuracy (y in [0, 1], shown in %) against ε, one line per series, with
     * the legend below the title.
     */
    static String accuracyCurve(String title, String xTitle, List<Series> series) {
        Frame f = Frame.of(series);
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(f.height()).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(f.height()).append("\" font-family=\"system-ui, sans-serif\" font-size=\"12\">");
        svg.append("<title>").append(escape(title)).append("</title>");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" "
                + "font-weight=\"600\" fill=\"#1d2330\">").append(escape(title)).append("</text>");
        legend(svg, series, f);
        grid(svg, f);
        axes(svg, xTitle, f);
        for (int i = 0; i < series.size(); i++) {
            line(svg, series.get(i), COLORS[i % COLORS.length], f);
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** The legend: three entries per row below the title. */
    private static void legend(StringBuilder svg, List<Series> series, Frame f) {
        for (int i = 0; i < series.size(); i++) {
            int col = i % 3;
            int row = i / 3;
            double x = LEFT + col * (f.plotW() / 3);
            double y = TOP + row * 16 - 4;
            String color = COLORS[i % COLORS.length];
            svg.append("<g class=\"legend\"><line x1=\"").append(fmt(x)).append("\" y1=\"").append(fmt(y))
                    .append("\" x2=\"").append(fmt(x + 18)).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"")
                    .append(color).append("\" stroke-width=\"").append(series.get(i).emphasized() ? 3 : 2)
                    .append("\"/><text x=\"").append(fmt(x + 23)).append("\" y=\"").append(fmt(y + 4))
                    .append("\" fill=\"#1d2330\">").append(escape(series.get(i).name())).append("</text></g>");
        }
    }

    /** The horizontal grid with the y ticks (0..100%), then the x ticks (0..xMax). */
    private static void grid(StringBuilder svg, Frame f) {
        for (int k = 0; k <= 5; k++) {
            double y = f.top() + f.plotH() - f.plotH() * k / 5.0;
            svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                    .append(fmt(LEFT + f.plotW())).append("\" y2=\"").append(fmt(y))
                    .append("\" stroke=\"#d9dee7\" stroke-width=\"1\"/>");
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\" fill=\"#5c6678\">").append(k * 20).append("%</text>");
        }
        for (int k = 0; k <= 5; k++) {
            double value = f.xMax() * k / 5.0;
            double x = LEFT + f.plotW() * k / 5.0;
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(fmt(f.bottom())).append("\" x2=\"")
                    .append(fmt(x)).append("\" y2=\"").append(fmt(f.bottom() + 5)).append("\" stroke=\"#5c6678\"/>");
            svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(f.bottom() + 18))
                    .append("\" text-anchor=\"middle\" fill=\"#5c6678\">").append(escape(Formats.epsilon(value)))
                    .append("</text>");
        }
    }

    /** The two axis lines and the axis titles. */
    private static void axes(StringBuilder svg, String xTitle, Frame f) {
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(f.bottom())).append("\" x2=\"")
                .append(fmt(LEFT + f.plotW())).append("\" y2=\"").append(fmt(f.bottom())).append("\" stroke=\"#5c6678\"/>");
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(f.top()).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(fmt(f.bottom())).append("\" stroke=\"#5c6678\"/>");
        svg.append("<text x=\"").append(fmt(LEFT + f.plotW() / 2)).append("\" y=\"").append(f.height() - 10)
                .append("\" text-anchor=\"middle\" fill=\"#1d2330\">").append(escape(xTitle)).append("</text>");
        svg.append("<text transform=\"translate(14 ").append(fmt(f.top() + f.plotH() / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\" fill=\"#1d2330\">robust accuracy</text>");
    }

    /** One series: its polyline and a dot with a title per finite point. */
    private static void line(StringBuilder svg, Series s, String color, Frame f) {
        List<String> coords = new ArrayList<>();
        StringBuilder dots = new StringBuilder();
        for (double[] p : s.points()) {
            if (!Double.isFinite(p[0]) || Double.isNaN(p[1])) {
                continue;
            }
            double x = LEFT + f.plotW() * p[0] / f.xMax();
            double y = f.top() + f.plotH() - f.plotH() * Math.max(0, Math.min(1, p[1]));
            coords.add(fmt(x) + "," + fmt(y));
            dots.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y)).append("\" r=\"3\" fill=\"")
                    .append(color).append("\"><title>").append(escape(s.name())).append(" ε=")
                    .append(escape(Formats.epsilon(p[0]))).append(": ").append(escape(Formats.percent(p[1])))
                    .append("</title></circle>");
        }
        svg.append("<g class=\"series\" data-name=\"").append(escape(s.name())).append("\"><polyline fill=\"none\" stroke=\"")
                .append(color).append("\" stroke-width=\"").append(s.emphasized() ? 3 : 2).append("\" points=\"")
                .append(String.join(" ", coords)).append("\"/>").append(dots).append("</g>");
    }

    /**
     * A 120×28 sparkline of {@code values} (fractions or any positive numbers; NaN skipped), with the
     * last point marked and a title listing every value.
     */
    static String sparkline(String title, List<Double> values) {
        int w = 120;
        int h = 28;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" width=\"")
                .append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\"><title>").append(escape(title)).append("</title>");
        if (min <= max) {
            double span = max - min < 1e-12 ? 1 : max - min;
            int n = values.size();
            List<String> coords = new ArrayList<>();
            double lastX = 0;
            double lastY = 0;
            for (int i = 0; i < n; i++) {
                double v = values.get(i);
                if (Double.isNaN(v)) {
                    continue;
                }
                lastX = n == 1 ? w / 2.0 : 4 + (w - 8) * i / (double) (n - 1);
                lastY = h - 4 - (h - 8) * (max - min < 1e-12 ? 0.5 : (v - min) / span);
                coords.add(fmt(lastX) + "," + fmt(lastY));
            }
            svg.append("<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"")
                    .append(String.join(" ", coords)).append("\"/><circle cx=\"").append(fmt(lastX)).append("\" cy=\"")
                    .append(fmt(lastY)).append("\" r=\"2.5\" fill=\"currentColor\"/>");
        }
        return svg.append("</svg>").toString();
    }

    /** The smallest of 1, 2, 2.5, 5 × 10^k that is at least {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value * (1 - 1e-9)) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /** XML text and attribute escaping. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** One decimal, without the cost of {@link String#format} (charts hold thousands of coordinates). */
    static String fmt(double v) {
        long tenths = Math.round(v * 10);
        long abs = Math.abs(tenths);
        return (tenths < 0 ? "-" : "") + abs / 10 + "." + abs % 10;
    }
}
