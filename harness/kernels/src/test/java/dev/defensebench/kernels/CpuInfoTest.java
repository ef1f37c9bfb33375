package dev.defensebench.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CpuInfo} tells apart the CPUs that one model name covers: two EPYCs of family 25 that both say "AMD EPYC",
 * a Zen 3 (model 1, AVX2) and a Zen 4 (model 17, AVX-512), as the development VMs report them.
 */
class CpuInfoTest {

    private static final String ZEN3 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
            + "model name\t: AMD EPYC\nstepping\t: 1\nflags\t\t: fpu sse4_1 avx avx2 fma\n\nprocessor\t: 1\nmodel name\t: other\n";

    @Test
    void familyModelAndVectorExtensionsAreNamed(@TempDir Path dir) throws Exception {
        Path info = dir.resolve("cpuinfo");
        Files.writeString(info, ZEN3);
        assertThat(CpuInfo.read(info).describe()).isEqualTo("AMD EPYC (family 25, model 1, AVX2, no AVX-512)");
        Files.writeString(info, ZEN3.replace("model\t\t: 1\n", "model\t\t: 17\n").replace("fma\n", "fma avx512f avx512bw\n"));
        assertThat(CpuInfo.read(info).describe()).isEqualTo("AMD EPYC (family 25, model 17, AVX-512)");
        Files.writeString(info, ZEN3.replace(" avx avx2", ""));
        assertThat(CpuInfo.read(info).describe()).isEqualTo("AMD EPYC (family 25, model 1, no AVX2)");
    }

    @Test
    void aFlagMatchesWholeWordsOnly(@TempDir Path dir) throws Exception {
        Path info = dir.resolve("cpuinfo");
        Files.writeString(info, ZEN3.replace("avx2", "avx2_vnni"));
        CpuInfo cpu = CpuInfo.read(info);
        assertThat(cpu.has("avx2")).isFalse();
        assertThat(cpu.has("avx2_vnni")).isTrue();
    }

    @Test
    void anUnreadableFileGivesTheArchitecture(@TempDir Path dir) {
        CpuInfo cpu = CpuInfo.read(dir.resolve("missing"));
        assertThat(cpu.describe()).isEqualTo(System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        assertThat(cpu.flags()).isEmpty();
    }
}
