package dev.defensebench.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MklDispatchTest {

    private static final MachineKey KEY = new MachineKey("AMD EPYC (family 26)", "pytorch 2.7.1 cpu linux-x86_64");
    private static final MklShim SHIM = new MklShim(Path.of("/cache/mkl_cpu_as_intel-0123.so"), "0123");

    /** Answers with scripted figures and records what it was asked: "own" or "shim". */
    private static final class Scripted implements MklDispatch.Measure {
        final List<MklDispatch.Measurement> answers;
        final List<String> asked = new ArrayList<>();

        Scripted(MklDispatch.Measurement... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public MklDispatch.Measurement measure(Path preload) {
            asked.add(preload == null ? "own" : "shim");
            return answers.get(asked.size() - 1);
        }
    }

    private static MklDispatch.Measurement m(double error, double millis) {
        return new MklDispatch.Measurement(error, millis);
    }

    private static VerdictCache cache(Path dir) {
        return new VerdictCache(dir, "test");
    }

    @Test
    void takesTheIntelPathWhenExactAndFasterAndCachesIt(@TempDir Path dir) {
        Scripted measure = new Scripted(m(3e-7, 0.76), m(4e-7, 0.36), m(3e-7, 0.75), m(5e-7, 0.37));
        MklDispatch.Verdict v = MklDispatch.choose(null, "AuthenticAMD", KEY, cache(dir), () -> SHIM, measure);
        assertThat(v.preload()).isEqualTo(SHIM.library());
        assertThat(v.reason()).contains("checked now", "Intel code path", "0.360 ms with it", "0.750 ms without", "5.0e-07");
        assertThat(measure.asked).containsExactly("own", "shim", "own", "shim");

        Scripted none = new Scripted();
        MklDispatch.Verdict cached = MklDispatch.choose("auto", "AuthenticAMD", KEY, cache(dir), () -> SHIM, none);
        assertThat(cached.preload()).isEqualTo(SHIM.library());
        assertThat(cached.reason()).contains("cached in");
        assertThat(none.asked).isEmpty();
    }

    @Test
    void oneSlowMomentDoesNotDecide(@TempDir Path dir) {
        Scripted measure = new Scripted(m(3e-7, 0.43), m(4e-7, 0.42), m(3e-7, 0.44), m(4e-7, 0.22));
        assertThat(MklDispatch.choose(null, "AuthenticAMD", KEY, cache(dir), () -> SHIM, measure).preload())
                .isEqualTo(SHIM.library());
    }

    @Test
    void anInexactOrNotFasterPathIsRefusedAndThatIsCached(@TempDir Path dir) {
        Scripted inexact = new Scripted(m(3e-7, 0.76), m(0.2, 0.36), m(3e-7, 0.76), m(0.2, 0.36));
        MklDispatch.Verdict v = MklDispatch.choose(null, "AuthenticAMD", KEY, cache(dir), () -> SHIM, inexact);
        assertThat(v.preload()).isNull();
        assertThat(v.reason()).contains("inexact", "relative error against float64 0.2");
        Scripted slow = new Scripted(m(3e-7, 0.40), m(3e-7, 0.39), m(3e-7, 0.40), m(3e-7, 0.38));
        MklDispatch.Verdict w = MklDispatch.choose(null, "AuthenticAMD", KEY, cache(dir.resolve("b")), () -> SHIM, slow);
        assertThat(w.preload()).isNull();
        assertThat(w.reason()).contains("not faster by 1.1×");
        Scripted none = new Scripted();
        assertThat(MklDispatch.choose(null, "AuthenticAMD", KEY, cache(dir), () -> SHIM, none).preload()).isNull();
        assertThat(none.asked).isEmpty();
    }

    @Test
    void anotherShimSourceIsMeasuredAgain(@TempDir Path dir) {
        Properties old = new Properties();
        old.setProperty("preload", "false");
        old.setProperty("shim_sha256", "an older source");
        cache(dir).write(KEY, old);
        Scripted measure = new Scripted(m(3e-7, 0.76), m(4e-7, 0.36), m(3e-7, 0.75), m(5e-7, 0.37));
        assertThat(MklDispatch.choose(null, "AuthenticAMD", KEY, cache(dir), () -> SHIM, measure).preload())
                .isEqualTo(SHIM.library());
        assertThat(measure.asked).hasSize(4);
    }

    @Test
    void intelCpusAndTheUsersOffNeedNothing(@TempDir Path dir) {
        MklDispatch.ShimBuilder never = () -> {
            throw new AssertionError("no shim should be built");
        };
        Scripted measure = new Scripted();
        MklDispatch.Verdict intel = MklDispatch.choose(null, "GenuineIntel", KEY, cache(dir), never, measure);
        assertThat(intel.preload()).isNull();
        assertThat(intel.reason()).contains("already chooses by instruction set", "GenuineIntel");
        MklDispatch.Verdict off = MklDispatch.choose(" OFF ", "AuthenticAMD", KEY, cache(dir), never, measure);
        assertThat(off.preload()).isNull();
        assertThat(off.reason()).contains("DEFENSE_BENCH_MKL_DISPATCH=off, set by you");
        assertThat(measure.asked).isEmpty();
    }

    @Test
    void onPreloadsWithoutMeasuringEvenOnIntel(@TempDir Path dir) {
        Scripted measure = new Scripted();
        MklDispatch.Verdict v = MklDispatch.choose("on", "GenuineIntel", KEY, cache(dir), () -> SHIM, measure);
        assertThat(v.preload()).isEqualTo(SHIM.library());
        assertThat(v.reason()).contains("set by you", "not measured");
        assertThat(measure.asked).isEmpty();
    }

    @Test
    void aSettingOtherThanAutoOnOffIsRefusedByName(@TempDir Path dir) {
        assertThatThrownBy(() -> MklDispatch.choose("yes", "AuthenticAMD", KEY, cache(dir), () -> SHIM, new Scripted()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DEFENSE_BENCH_MKL_DISPATCH must be auto, on or off, found 'yes'");
    }

    @Test
    void withoutACompilerMklKeepsItsOwnDispatchAndSaysWhy(@TempDir Path dir) {
        MklDispatch.Verdict v = MklDispatch.choose(null, "AuthenticAMD", KEY, cache(dir), () -> {
            throw new IOException("no C compiler (cc) on the PATH");
        }, new Scripted());
        assertThat(v.preload()).isNull();
        assertThat(v.reason()).contains("AVX2 path", "no C compiler (cc)");
        assertThat(cache(dir).read(KEY)).isEmpty();
    }

    @Test
    void theVendorComesFromCpuinfo(@TempDir Path dir) throws IOException {
        Path info = dir.resolve("cpuinfo");
        Files.writeString(info, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n");
        assertThat(MklDispatch.vendorOf(info)).isEqualTo("AuthenticAMD");
        assertThat(MklDispatch.vendorOf(dir.resolve("missing"))).isNull();
    }

    /** The shipped shim compiles, is reused, and loads into libtorch without breaking its products. */
    @Test
    void theShimBuildsOnceAndKeepsProductsExact(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("cc"), "no C compiler (cc) on this machine");
        MklShim shim = MklShim.build(dir);
        assertThat(shim.library()).isRegularFile().hasFileName("mkl_cpu_as_intel-" + shim.sourceSha256().substring(0, 16) + ".so");
        long built = Files.getLastModifiedTime(shim.library()).toMillis();
        assertThat(MklShim.build(dir).library()).isEqualTo(shim.library());
        assertThat(Files.getLastModifiedTime(shim.library()).toMillis()).isEqualTo(built);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(shim.library()); // no build directory left behind
        }
        MklDispatch.Measurement m = KernelProbe.measureInChild(KernelChoice.SAFEST, shim.library());
        assertThat(m.relativeError()).isBetween(0.0, NumericsCheck.TOLERANCE);
        assertThat(m.productMillis()).isPositive();
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
