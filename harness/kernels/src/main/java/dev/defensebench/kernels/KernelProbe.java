package dev.defensebench.kernels;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.defensebench.autograd.Autograd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's kernel probe. {@code java ... KernelProbe} prints three lines on standard output (and
 * why, on standard error): the oneDNN ISA to use ({@link KernelChoice}), the library to preload for MKL's
 * dispatch or an empty line ({@link MklDispatch}), and the thread settings to export on a busy machine or
 * an empty line ({@link ThreadPolicy}); with {@code --isa} (the build's test JVMs) only the first. oneDNN reads {@code DNNL_MAX_CPU_ISA} once, when libtorch loads, and a preload only works from the
 * start, so each candidate is measured in a child JVM
 * ({@code --check}: the float32 convolution's relative error under the ISA in its environment; {@code
 * --measure}: the float32 product's relative error and time). Cached verdicts cost no child.
 */
public final class KernelProbe {

    /** The environment variable oneDNN reads. */
    public static final String ISA_ENV = "DNNL_MAX_CPU_ISA";
    private static final long CHILD_TIMEOUT_SECONDS = 300;

    private KernelProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--check")) {
            System.out.println(NumericsCheck.convolutionRelativeError(Device.cpu()));
            return;
        }
        if (args.length == 1 && args[0].equals("--measure")) {
            System.out.println(NumericsCheck.linearRelativeError(Device.cpu()) + " " + productMillis());
            return;
        }
        boolean isaOnly = args.length == 1 && args[0].equals("--isa");
        if (args.length != 0 && !isaOnly) {
            System.err.println("usage: KernelProbe [--isa | --check | --measure]");
            System.exit(2);
        }
        MachineKey key = MachineKey.current();
        KernelChoice.Verdict isa = KernelChoice.choose(System.getenv(ISA_ENV), key, IsaVerdictCache.standard(),
                KernelProbe::checkInChild);
        System.err.println("defense-bench: oneDNN kernels " + ISA_ENV + "=" + isa.isa() + ": " + isa.reason());
        if (isaOnly) {
            System.out.println(isa.isa());
            return;
        }
        MklDispatch.Verdict mkl;
        try {
            mkl = MklDispatch.choose(System.getenv(MklDispatch.SETTING_ENV), MklDispatch.vendorOf(Path.of("/proc/cpuinfo")),
                    key, new VerdictCache(MklDispatch.CACHE_DIR, "whether MKL's Intel code path is exact and faster here"),
                    () -> MklShim.build(MklDispatch.CACHE_DIR), preload -> measureInChild(isa.isa(), preload));
        } catch (IllegalArgumentException e) {
            System.err.println("defense-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.err.println("defense-bench: MKL matrix products: " + mkl.reason());
        System.out.println(isa.isa());
        System.out.println(mkl.preload() == null ? "" : mkl.preload().toString());
        ThreadPolicy.Choice threads = ThreadPolicy.current();
        if (!threads.note().isEmpty()) {
            System.err.println(threads.note());
        }
        System.out.println(threads.exports());
    }

    /** The float32 convolution's relative error measured in a child JVM with oneDNN limited to {@code isa}. */
    public static double checkInChild(String isa) throws IOException, InterruptedException {
        return number(inChild("--check", Map.of(ISA_ENV, isa)), "the check under " + isa);
    }

    /** The float32 product's error and time in a child JVM, with {@code preload} preloaded when not null. */
    static MklDispatch.Measurement measureInChild(String isa, Path preload) throws IOException, InterruptedException {
        String existing = System.getenv("LD_PRELOAD");
        Map<String, String> env = preload == null ? Map.of(ISA_ENV, isa) : Map.of(ISA_ENV, isa, "LD_PRELOAD",
                existing == null || existing.isBlank() ? preload.toString() : preload + ":" + existing);
        String[] figures = inChild("--measure", env).split(" ");
        String what = "the product measurement " + (preload == null ? "without" : "with") + " the shim";
        if (figures.length != 2) {
            throw new IOException(what + " printed no two figures: " + String.join(" ", figures));
        }
        return new MklDispatch.Measurement(number(figures[0], what), number(figures[1], what));
    }

    /**
     * The milliseconds of one 100×784×500 float32 product without a graph (the MLP's first layer at batch
     * 100), the best of five rounds of 20 after a warm-up, at the thread count the environment sets.
     */
    static double productMillis() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(12345);
            NDArray x = m.randomUniform(0, 1, new Shape(100, 784));
            NDArray w = m.randomNormal(0f, 0.05f, new Shape(500, 784), DataType.FLOAT32);
            NDArray b = m.zeros(new Shape(500));
            return Autograd.notRecording(() -> {
                double best = Double.POSITIVE_INFINITY;
                for (int round = -1; round < 5; round++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < 20; i++) {
                        Linear.linear(x, w, b).singletonOrThrow().close();
                    }
                    if (round >= 0) {
                        best = Math.min(best, (System.nanoTime() - start) / 1e6 / 20);
                    }
                }
                return best;
            });
        }
    }

    private static double number(String text, String what) throws IOException {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IOException(what + " printed no figure: " + text, e);
        }
    }

    /** Runs this class with {@code flag} in a child JVM with {@code env} added; its last output line. */
    private static String inChild(String flag, Map<String, String> env) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), KernelProbe.class.getName(), flag));
        pb.environment().putAll(env);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.redirectErrorStream(true);
        String what = flag + " " + env;
        Path log = Files.createTempFile("defense-bench-kernel-probe", ".log");
        try {
            pb.redirectOutput(log.toFile());
            Process child = pb.start();
            if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IOException("the probe " + what + " did not finish in " + CHILD_TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(log, StandardCharsets.UTF_8).strip();
            String last = text.substring(text.lastIndexOf('\n') + 1).strip();
            if (child.exitValue() != 0) {
                throw new IOException(String.format(Locale.ROOT, "the probe %s exited with %d: %s", what, child.exitValue(), last));
            }
            return last;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
