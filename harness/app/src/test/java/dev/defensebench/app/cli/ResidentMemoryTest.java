package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

    private static final List<String> SMAPS = List.of(
            "80000000-90000000 rw-p 00000000 00:00 0 ",
            "Size:             262144 kB",
            "Rss:              100000 kB",
            "90000000-a0000000 rw-p 00000000 00:00 0 ",
            "Rss:               40000 kB",
            "7fe5a0000000-7fe5a3fbb000 rw-p 00000000 00:00 0 ",
            "Rss:               65260 kB",
            "7fe659400000-7fe6597b0000 r-xp 00000000 08:01 123   /usr/lib/libtorch_cpu.so",
            "Rss:                3768 kB");

    @Test
    void sumsResidentKilobytesInsideARange() {
        assertThat(ResidentMemory.residentKb(SMAPS, 0, Long.MAX_VALUE)).isEqualTo(100000 + 40000 + 65260 + 3768);
        assertThat(ResidentMemory.residentKb(SMAPS, 0x80000000L, 0xa0000000L)).isEqualTo(140000);
        // A mapping cut by the range counts in proportion.
        assertThat(ResidentMemory.residentKb(SMAPS, 0x88000000L, 0x90000000L)).isEqualTo(50000);
        assertThat(new ResidentMemory.Sample(208000, 140000).otherKb()).isEqualTo(68000);
        assertThat(new ResidentMemory.Sample(208000, -1).otherKb()).isEqualTo(-1);
    }

    @Test
    void readsTheHeapRangeFromHeapInfo() {
        String info = " garbage-first heap   total 413696K, used 246062K [0x0000000080000000, 0x0000000100000000)\n"
                + "  region size 1024K, 2 young (2048K), 0 survivors (0K)\n";
        assertThat(ResidentMemory.parseHeapRange(info)).containsExactly(0x80000000L, 0x100000000L);
        assertThat(ResidentMemory.parseHeapRange("no heap here")).isNull();
    }

    @Test
    void samplesThisProcess() {
        long[] range = ResidentMemory.heapRange();
        assertThat(range).as("HotSpot reports the heap's address range").isNotNull();
        ResidentMemory.Sample sample = ResidentMemory.sample();
        assertThat(sample.rssKb()).isPositive();
        assertThat(sample.heapResidentKb()).isPositive().isLessThan(sample.rssKb());
    }
}
