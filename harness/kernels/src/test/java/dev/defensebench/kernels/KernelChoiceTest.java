package dev.defensebench.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ISA decision and its cache, with a scripted check in place of the child JVMs. */
class KernelChoiceTest {

    private static final MachineKey KEY = new MachineKey("Test CPU (family 25)", "pytorch 2.7.1 cpu linux-x86_64");

    /** A check that returns a fixed error per ISA and records which ISAs it was asked about. */
    private static final class Scripted implements KernelChoice.Check {
        final Map<String, Double> errors;
        final List<String> asked = new ArrayList<>();

        Scripted(Map<String, Double> errors) {
            this.errors = errors;
        }

        @Override
        public double relativeError(String isa) throws Exception {
            asked.add(isa);
            Double e = errors.get(isa);
            if (e == null) {
                throw new IllegalStateException("no libtorch");
            }
            return e;
        }
    }

    @Test
    void takesTheWidestIsaThatPassesAndCachesIt(@TempDir Path dir) {
        IsaVerdictCache cache = new IsaVerdictCache(dir);
        Scripted check = new Scripted(Map.of("ALL", 0.15, "AVX512_CORE", 0.15, "AVX2", 3e-7, "SSE41", 2e-7));
        KernelChoice.Verdict v = KernelChoice.choose(null, KEY, cache, check);
        assertThat(v.isa()).isEqualTo("AVX2");
        assertThat(v.reason()).contains("checked now", "rejected ALL (relative error 0.150)", "AVX512_CORE");
        assertThat(check.asked).containsExactly("ALL", "AVX512_CORE", "AVX2");
        assertThat(cache.read(KEY)).hasValueSatisfying(s -> {
            assertThat(s.isa()).isEqualTo("AVX2");
            assertThat(s.relativeError()).isEqualTo(3e-7);
        });
    }

    @Test
    void aCachedVerdictIsUsedWithoutChecking(@TempDir Path dir) {
        IsaVerdictCache cache = new IsaVerdictCache(dir);
        cache.write(KEY, new IsaVerdictCache.Stored("ALL", 4e-7, Instant.parse("2026-12-01T00:00:00Z")));
        Scripted check = new Scripted(Map.of());
        KernelChoice.Verdict v = KernelChoice.choose("", KEY, cache, check);
        assertThat(v.isa()).isEqualTo("ALL");
        assertThat(v.reason()).contains("cached", "2026-12-01T00:00:00Z", KEY.cpu());
        assertThat(check.asked).isEmpty();
    }

    @Test
    void anotherCpuOrLibraryIsCheckedAgain(@TempDir Path dir) {
        IsaVerdictCache cache = new IsaVerdictCache(dir);
        cache.write(KEY, new IsaVerdictCache.Stored("ALL", 4e-7, Instant.now()));
        for (MachineKey other : List.of(new MachineKey(KEY.cpu(), "pytorch 2.8.0 cpu linux-x86_64"),
                new MachineKey("Other CPU (family 6)", KEY.library()))) {
            Scripted check = new Scripted(Map.of("ALL", 0.2, "AVX512_CORE", 0.2, "AVX2", 0.2, "AVX", 1e-6));
            assertThat(KernelChoice.choose(null, other, cache, check).isa()).isEqualTo("AVX");
            assertThat(check.asked).hasSize(4);
        }
        assertThat(cache.read(KEY)).hasValueSatisfying(s -> assertThat(s.isa()).isEqualTo("ALL"));
    }

    @Test
    void aFileWrittenForAnotherKeyUnderTheSameNameIsIgnored(@TempDir Path dir) throws Exception {
        IsaVerdictCache cache = new IsaVerdictCache(dir);
        Files.createDirectories(dir);
        Files.writeString(cache.file(KEY), "cpu=Another CPU\nlibrary=" + KEY.library() + "\nisa=ALL\n"
                + "relative_error=1e-7\nchecked=2026-12-01T00:00:00Z\n");
        assertThat(cache.read(KEY)).isEmpty();
        Files.writeString(cache.file(KEY), "cpu=" + KEY.cpu() + "\nlibrary=" + KEY.library() + "\nisa=ALL\n");
        assertThat(cache.read(KEY)).isEmpty(); // partial file: check again
    }

    @Test
    void theUsersSettingWinsAndNothingIsChecked(@TempDir Path dir) {
        Scripted check = new Scripted(Map.of());
        KernelChoice.Verdict v = KernelChoice.choose(" AVX2 ", KEY, new IsaVerdictCache(dir), check);
        assertThat(v.isa()).isEqualTo("AVX2");
        assertThat(v.reason()).contains("set by you");
        assertThat(check.asked).isEmpty();
    }

    @Test
    void whenNothingPassesTheSafestIsaIsUsedAndNothingCached(@TempDir Path dir) {
        IsaVerdictCache cache = new IsaVerdictCache(dir);
        Scripted check = new Scripted(Map.of("ALL", 0.3, "SSE41", Double.POSITIVE_INFINITY));
        KernelChoice.Verdict v = KernelChoice.choose(null, KEY, cache, check);
        assertThat(v.isa()).isEqualTo(KernelChoice.SAFEST);
        assertThat(v.reason()).contains("no ISA passed", "AVX2 (check failed: no libtorch)", "not cached");
        assertThat(check.asked).isEqualTo(KernelChoice.LADDER);
        assertThat(cache.read(KEY)).isEmpty();
    }

    @Test
    void theCpuPartOfTheKeyComesFromCpuinfo(@TempDir Path dir) throws Exception {
        Path info = dir.resolve("cpuinfo");
        Files.writeString(info, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
                + "model name\t: AMD EPYC\nstepping\t: 1\nflags\t\t: fpu avx2 avx512f\n\nprocessor\t: 1\nmodel name\t: other\n");
        String cpu = MachineKey.cpuOf(info);
        assertThat(cpu).startsWith("AMD EPYC (family 25, model 1, stepping 1, flags ");
        Files.writeString(info, Files.readString(info).replace("avx512f", "sse4_1"));
        assertThat(MachineKey.cpuOf(info)).startsWith("AMD EPYC (family 25").isNotEqualTo(cpu);
    }

    /** The real probe once, in a child JVM limited to SSE4.1 (exact everywhere): a few seconds. */
    @Test
    void theChildJvmCheckMeasuresTheConvolution() throws Exception {
        assertThat(KernelProbe.checkInChild("SSE41")).isBetween(0.0, NumericsCheck.TOLERANCE);
    }
}
