package dev.defensebench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Text formats of the site, the one place where a page turns a number into text: percentages, ρ2, ε,
 * durations, counts, integers and norm display names. The views the templates read hold only these texts.
 */
final class Formats {

    /** Shown where a value is absent. */
    static final String ABSENT = "—";

    private Formats() {
    }

    /** A fraction as a percentage with two decimals, "98.53%"; {@link #ABSENT} for NaN. */
    static String percent(double fraction) {
        if (Double.isNaN(fraction)) {
            return ABSENT;
        }
        long hundredths = Math.round(10000.0 * fraction);
        long abs = Math.abs(hundredths);
        long cents = abs % 100;
        return (hundredths < 0 ? "-" : "") + abs / 100 + (cents < 10 ? ".0" : ".") + cents + "%";
    }

    /** An interval of fractions as percentages with one decimal, "97.9–99.0%". */
    static String percentRange(double low, double high) {
        if (Double.isNaN(low) || Double.isNaN(high)) {
            return ABSENT;
        }
        return String.format(Locale.ROOT, "%.1f–%.1f%%", 100.0 * low, 100.0 * high);
    }

    /** Scientific notation with three significant digits and a short exponent, "1.23e-1"; {@link #ABSENT} for NaN. */
    static String scientific(double value) {
        if (Double.isNaN(value)) {
            return ABSENT;
        }
        if (value == 0.0 || Double.isInfinite(value)) {
            return value == 0.0 ? "0" : Double.toString(value);
        }
        String text = String.format(Locale.ROOT, "%.2e", value);
        int e = text.indexOf('e');
        return text.substring(0, e) + "e" + Integer.parseInt(text.substring(e + 1));
    }

    /** A difference of fractions in percentage points with two decimals, "3.96" (the unit is said by the caller). */
    static String points(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100.0 * fraction);
    }

    /** A fraction as a whole percentage, "35%" (a relative change). */
    static String wholePercent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100.0 * fraction);
    }

    /** ρ2 and other small positive measures with three decimals, "0.201"; {@link #ABSENT} for NaN. */
    static String fixed3(double value) {
        return Double.isNaN(value) ? ABSENT : String.format(Locale.ROOT, "%.3f", value);
    }

    /** An integer as it is, "1000" (no grouping): ranks, sample sizes, batch sizes, labels. */
    static String integer(long value) {
        return Long.toString(value);
    }

    /** A count for people: "950", "12k", "120k", "1.8M" (three significant digits at most). */
    static String count(long value) {
        if (Math.abs(value) < 1000) {
            return Long.toString(value);
        }
        boolean millions = Math.abs(value) >= 999_500;
        double scaled = value / (millions ? 1e6 : 1e3);
        String digits = new BigDecimal(scaled).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        return digits + (millions ? "M" : "k");
    }

    /** ε with at most four significant digits and no trailing zeros, "0.3", "2", "0.03137". */
    static String epsilon(double epsilon) {
        if (Double.isNaN(epsilon) || Double.isInfinite(epsilon)) {
            return epsilon > 0 ? "∞" : Double.toString(epsilon);
        }
        return new BigDecimal(epsilon).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** A duration for people: "12.3 s", "4 min 05 s", "2 h 03 min"; {@link #ABSENT} for NaN or negative. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0 || Double.isInfinite(seconds)) {
            return ABSENT;
        }
        if (seconds < 59.95) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long total = Math.round(seconds);
        if (total < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", total / 60, total % 60);
        }
        long minutes = Math.round(seconds / 60.0);
        return String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
    }

    /** The display name of a norm ("Linf" → "ℓ∞", "L2" → "ℓ2"); others as they are. */
    static String normName(String norm) {
        return switch (norm.toLowerCase(Locale.ROOT)) {
            case "linf", "inf", "l_inf" -> "ℓ∞";
            case "l2" -> "ℓ2";
            case "l1" -> "ℓ1";
            case "l0" -> "ℓ0";
            default -> norm;
        };
    }

    /** A number for people with four significant digits, "0.01234", "12.35", "1.235e+06"; {@link #ABSENT} for NaN. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return ABSENT;
        }
        if (value == 0 || Double.isInfinite(value)) {
            return value == 0 ? "0" : Double.toString(value);
        }
        double abs = Math.abs(value);
        if (abs >= 1e6 || abs < 1e-4) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** A JMH score with its error, "1.234 ± 0.056 ms/image". */
    static String score(double score, double error, String unit) {
        if (Double.isNaN(score)) {
            return ABSENT;
        }
        return number(score) + (Double.isNaN(error) ? "" : " ± " + number(error)) + " " + unit;
    }

    /** A raw number for a {@code data-sort-value} attribute; empty for NaN (sorted last). */
    static String sortValue(double value) {
        return Double.isNaN(value) ? "" : Double.toString(value);
    }
}
