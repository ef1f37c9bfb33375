package dev.defensebench.model;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's kernel probe. {@code java ... IsaProbe} prints the oneDNN ISA to use on standard output
 * (and why, on standard error) after {@link KernelChoice}: oneDNN reads {@code DNNL_MAX_CPU_ISA} once,
 * when libtorch loads, so each ISA is checked in a child JVM ({@code IsaProbe --check}, which prints the
 * float32 convolution's relative error under the ISA in its environment). A cached verdict costs no child.
 */
public final class IsaProbe {

    /** The environment variable oneDNN reads. */
    public static final String ISA_ENV = "DNNL_MAX_CPU_ISA";
    private static final long CHILD_TIMEOUT_SECONDS = 300;

    private IsaProbe() {}

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--check")) {
            System.out.println(NumericsCheck.convolutionRelativeError(Device.cpu()));
            return;
        }
        if (args.length != 0) {
            System.err.println("usage: IsaProbe [--check]");
            System.exit(2);
        }
        KernelChoice.Verdict verdict = KernelChoice.choose(System.getenv(ISA_ENV), MachineKey.current(),
                IsaVerdictCache.standard(), IsaProbe::checkInChild);
        System.err.println("defense-bench: oneDNN kernels " + ISA_ENV + "=" + verdict.isa() + ": " + verdict.reason());
        System.out.println(verdict.isa());
    }

    /** The float32 convolution's relative error measured in a child JVM with oneDNN limited to {@code isa}. */
    public static double checkInChild(String isa) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), IsaProbe.class.getName(), "--check"));
        pb.environment().put(ISA_ENV, isa);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.redirectErrorStream(true);
        Path log = Files.createTempFile("defense-bench-isa-check", ".log");
        try {
            pb.redirectOutput(log.toFile());
            Process child = pb.start();
            if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IOException("the check under " + isa + " did not finish in " + CHILD_TIMEOUT_SECONDS + " s");
            }
            return parse(isa, child.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The error figure on the child's last output line. */
    private static double parse(String isa, int exit, String output) throws IOException {
        String text = output.strip();
        String last = text.substring(text.lastIndexOf('\n') + 1).strip();
        if (exit != 0) {
            throw new IOException(String.format(Locale.ROOT, "the check under %s exited with %d: %s", isa, exit, last));
        }
        try {
            return Double.parseDouble(last);
        } catch (NumberFormatException e) {
            throw new IOException("the check under " + isa + " printed no error figure: " + last, e);
        }
    }
}
