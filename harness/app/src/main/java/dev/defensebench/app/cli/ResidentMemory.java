package dev.defensebench.app.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The process's resident set split into the pages of the Java heap and the rest (native memory:
 * libtorch's tensors and malloc arenas, the JVM's own structures, mapped libraries), read from
 * {@code /proc/self/smaps} (Linux only; -1 elsewhere).
 *
 * <p>The committed Java heap is not all resident: the garbage collector touches its regions for the
 * first time over many allocation cycles, so the heap's share of the RSS keeps growing long after its
 * committed size has settled. Subtracting the committed size from the RSS therefore does not give
 * the native memory; counting the resident pages inside the heap's address range does.
 */
final class ResidentMemory {

    private static final Pattern HEAP_RANGE = Pattern.compile("\\[(0x[0-9a-fA-F]+),\\s*(0x[0-9a-fA-F]+)\\)");
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+)\\s.*");

    /** Resident kilobytes: the whole process, and the part inside the Java heap (-1 when unknown). */
    record Sample(long rssKb, long heapResidentKb) {

        /** Resident kilobytes outside the Java heap, or -1 when unknown. */
        long otherKb() {
            return rssKb < 0 || heapResidentKb < 0 ? -1 : rssKb - heapResidentKb;
        }
    }

    private ResidentMemory() {}

    /** Reads the current split; fields are -1 where the platform does not tell. */
    static Sample sample() {
        long[] heap = heapRange();
        try {
            List<String> smaps = Files.readAllLines(Path.of("/proc/self/smaps"));
            return new Sample(residentKb(smaps, 0, Long.MAX_VALUE), heap == null ? -1 : residentKb(smaps, heap[0], heap[1]));
        } catch (IOException | RuntimeException e) {
            return new Sample(-1, -1);
        }
    }

    /**
     * The sum of the {@code Rss:} lines of the mappings of {@code smaps} (the text of {@code
     * /proc/PID/smaps}) that lie within [start, end); a mapping that straddles a bound counts in
     * proportion to its overlap.
     */
    static long residentKb(List<String> smaps, long start, long end) {
        long total = 0;
        long lo = 0;
        long hi = 0;
        for (String line : smaps) {
            Matcher m = MAPPING.matcher(line);
            if (m.matches()) {
                lo = Long.parseUnsignedLong(m.group(1), 16);
                hi = Long.parseUnsignedLong(m.group(2), 16);
            } else if (line.startsWith("Rss:")) {
                long rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                long overlap = Math.min(hi, end) - Math.max(lo, start);
                if (overlap > 0 && hi > lo) {
                    total += overlap >= hi - lo ? rss : Math.round(rss * (double) overlap / (hi - lo));
                }
            }
        }
        return total;
    }

    /** The Java heap's reserved address range [start, end) as HotSpot's {@code GC.heap_info} prints it, or null. */
    static long[] heapRange() {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return parseHeapRange(String.valueOf(text));
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    /** The first {@code [0x..., 0x...)} range of a {@code GC.heap_info} text, or null. */
    static long[] parseHeapRange(String heapInfo) {
        Matcher m = HEAP_RANGE.matcher(heapInfo);
        if (!m.find()) {
            return null;
        }
        return new long[] {Long.parseUnsignedLong(m.group(1).substring(2), 16), Long.parseUnsignedLong(m.group(2).substring(2), 16)};
    }
}
