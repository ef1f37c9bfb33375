package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./run-tests} as root on a machine without Chromium, with stand-ins for {@code id}, {@code apt-get},
 * {@code javac} and {@code mvn} that record how they were called: it installs without apt's recommends,
 * and installs nothing when apt-get's simulation would upgrade an installed package.
 */
class RunTestsScriptTest {

    private static final Path SCRIPT = Path.of("../../run-tests").toAbsolutePath().normalize();

    /** What the stand-ins recorded and what the script printed. */
    private record Outcome(int code, List<String> aptCalls, List<String> mvnCalls, String err) {}

    private static Outcome run(Path dir, String simulation) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "sed", "grep", "cat")) {
            Path real = List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream().filter(Files::isExecutable)
                    .findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Path log = dir.resolve("calls.log");
        Files.writeString(dir.resolve("simulation.txt"), simulation);
        script(bin.resolve("id"), "echo 0");
        script(bin.resolve("javac"), "echo 'javac 17.0.9' >&2");
        script(bin.resolve("mvn"), "echo \"mvn $*\" >> " + log);
        script(bin.resolve("apt-get"), "echo \"apt-get $*\" >> " + log + "\n"
                + "if [[ \" $* \" == *\" -s \"* ]]; then cat " + dir.resolve("simulation.txt") + "; fi");
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "-o");
        pb.environment().keySet().removeAll(List.of("CHROMIUM", "CHROMEDRIVER", "CI"));
        pb.environment().put("PATH", bin.toString());
        Process p = pb.redirectOutput(dir.resolve("out.txt").toFile()).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> calls = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return new Outcome(p.exitValue(), calls.stream().filter(c -> c.startsWith("apt-get")).toList(),
                calls.stream().filter(c -> c.startsWith("mvn")).toList(), err);
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!" + Path.of("/bin/bash") + "\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void installsTheMissingBrowserWithoutRecommendsAndWithoutUpgrades(@TempDir Path dir) throws Exception {
        Outcome o = run(dir, "Inst chromium-common (120.0-1 Debian:12/stable [amd64])\n"
                + "Inst chromium (120.0-1 Debian:12/stable [amd64])\nInst chromium-driver (120.0-1 Debian:12/stable [amd64])\n");

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.aptCalls()).containsExactly("apt-get update -q",
                "apt-get install -s -q --no-install-recommends chromium chromium-driver",
                "apt-get install -y -q --no-install-recommends --no-upgrade chromium chromium-driver");
        assertThat(o.mvnCalls()).containsExactly("mvn -B -Dstyle.color=never verify -o");
    }

    @Test
    void installsNothingWhenAnInstalledPackageWouldBeUpgraded(@TempDir Path dir) throws Exception {
        Outcome o = run(dir, "Inst libc6 [2.36-9] (2.36-9+deb12u9 Debian:12/stable [amd64])\n"
                + "Inst chromium (120.0-1 Debian:12/stable [amd64])\n");

        assertThat(o.aptCalls()).noneMatch(c -> c.contains(" -y "));
        assertThat(o.err()).contains("run-tests: not installing chromium chromium-driver: apt-get would upgrade installed "
                + "packages: libc6 (installed 2.36-9) ;");
        // the JDK and Maven are there: the tests still run, the browser test reports itself skipped
        assertThat(o.mvnCalls()).containsExactly("mvn -B -Dstyle.color=never verify -o");
        assertThat(o.code()).as(o.err()).isZero();
    }
}
