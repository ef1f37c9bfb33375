package dev.defensebench.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands of {@code bench suite}, in order: every defense-bench command whose numbers a table of
 * docs/benchmarks.md shows, each followed by the reference_speed.py lines that time the original code on the
 * networks it saved. The full plan runs the documented commands as written there; {@code --quick} runs the same
 * commands with tiny step, image and round counts (to check that the suite works, never to quote), and only
 * the one-thread rows. The section headings named here are those of docs/benchmarks.md.
 */
final class SuitePlan {

    static final String THREAD_POLICY = "A shared machine: the launcher's thread policy";
    static final String STEP = "The Deep Defense step";
    static final String AGAINST_ORIGINALS = "Against the original code, same weights";
    static final String AUTOATTACK = "AutoAttack standard, stage by stage, against the original";
    static final String CERTIFY = "Certification throughput";
    static final String ONNX = "The ONNX interpreter against native blocks";
    static final String THROUGHPUT = "Training throughput of a CIFAR-sized network";
    static final String REAL_SCALE = "Real-scale rows";
    static final String BASELINES = "Baselines on MNIST";
    /** Where Debian's libjemalloc2 puts the allocator the real-scale table's third column preloads into PyTorch. */
    static final Path JEMALLOC = Path.of("/lib/x86_64-linux-gnu/libjemalloc.so.2");
    /**
     * The launcher's {@code MALLOC_CONF} for jemalloc, given to PyTorch's jemalloc column too: freed pages kept, and
     * any kept extent split for a smaller request (LauncherTest checks that the launcher says the same).
     */
    static final String JEMALLOC_CONF = "dirty_decay_ms:-1,muzzy_decay_ms:-1,lg_extent_max_active_fit:32";

    private final boolean quick;
    private final Path out;

    /**
     * @param quick tiny counts instead of the documented ones
     * @param out the suite's output folder; networks go to {@code out/onnx/SECTION}
     */
    SuitePlan(boolean quick, Path out) {
        this.quick = quick;
        this.out = out;
    }

    /** Every section, in the order they run. */
    List<SuiteSection> sections() {
        List<SuiteSection> all = new ArrayList<>();
        List<String> policyRow = args("--arch mlp --steps 200 --warmup 20");
        all.add(bench(THREAD_POLICY, "thread-policy-quiet", 0, policyRow, stepQuick()));
        int cpus = Runtime.getRuntime().availableProcessors();
        Map<String, String> pytorchDefaults = Map.of("OMP_NUM_THREADS", Integer.toString(cpus), "OMP_WAIT_POLICY", "");
        all.add(bench(THREAD_POLICY, "thread-policy-busy-defaults", pytorchDefaults, policyRow, stepQuick())
                .beside(SuiteSection.Busy.LOOPS));
        all.add(bench(THREAD_POLICY, "thread-policy-busy-launcher", 0, policyRow, stepQuick())
                .beside(SuiteSection.Busy.LOOPS_WITH_POLICY));
        all.add(bench(STEP, "step-mlp", 0, args("--arch mlp --steps 1000"), stepQuick()));
        all.add(bench(STEP, "step-lenet", 0, args("--arch lenet --steps 1000"), stepQuick()));
        for (int threads = 1; threads <= 2; threads++) {
            all.addAll(againstOriginals(threads));
        }
        all.addAll(autoAttack("linf", "", ""));
        all.addAll(autoAttack("l2", " --ensemble-norm L2 --l2-eps 1.5", " --norm L2 --eps 1.5"));
        all.add(bench(CERTIFY, "certify", 1, args("--mode certify --arch mlp,lenet --min-seconds 2"),
                args("--min-seconds 0 --pretrain-steps 2 --certify-points 5 --smoothing-n 20 --smoothing-batch 20")));
        all.add(bench(ONNX, "onnx-interpreter-mlp", 0, args("onnx --arch mlp --images 100 --rounds 5"),
                args("--images 5 --rounds 1 --steps 2")));
        all.add(bench(ONNX, "onnx-interpreter-lenet", 0, args("onnx --arch lenet --images 50 --rounds 3"),
                args("--images 5 --rounds 1 --steps 2")));
        all.add(bench(THROUGHPUT, "throughput-resnet18", 0,
                args("--arch resnet18 --throughput --batch 8 --throughput-steps 2"), args("--batch 2 --throughput-steps 1")));
        all.addAll(realScale());
        SuiteSection baselines = bench(BASELINES, "baselines-mnist", 0,
                List.of("run", "ci/baselines-mnist.yaml", "--out", out.resolve("baselines-mnist").toString()), List.of());
        all.add(quick ? baselines.skipped("--quick: a full training run of five MLPs (tens of minutes)") : baselines);
        return List.copyOf(all);
    }

    /** The Deep Defense step, ensemble, DeepFool and PGD rows against the original code, at one thread count. */
    private List<SuiteSection> againstOriginals(int threads) {
        String t = threads + "t";
        String th = " --threads " + threads;
        List<SuiteSection> rows = new ArrayList<>();
        rows.add(bench(AGAINST_ORIGINALS, "ensemble-" + t, threads, saving("ensemble-" + t,
                "--mode attacks --arch mlp --attacks fgsm --min-seconds 0"), attacksQuick(" --ensemble-images 20")));
        rows.add(reference("ensemble-" + t, "ensemble-reference-" + t, "ensemble", "robust-mlp.onnx", th, " --images 20"));
        rows.add(bench(AGAINST_ORIGINALS, "deepfool-" + t, threads, saving("deepfool-" + t,
                "--mode attacks --arch mlp --attacks deepfool --images 10000 --ensemble-images 0 --attack-param clip=false"),
                attacksQuick("")));
        rows.add(reference("deepfool-" + t, "deepfool-reference-" + t, "deepfool", "mlp.onnx", th + " --images 10000",
                " --images 20 --min-seconds 0"));
        rows.add(bench(AGAINST_ORIGINALS, "pgd-" + t, threads, saving("pgd-" + t,
                "--mode attacks --arch mlp,lenet --attacks pgd --ensemble-images 0"), attacksQuick("")));
        for (String arch : List.of("mlp", "lenet")) {
            rows.add(reference("pgd-" + t, "pgd-" + arch + "-reference-" + t, "pgd", arch + ".onnx", th,
                    " --batch 20 --min-seconds 0"));
        }
        for (String arch : List.of("mlp", "lenet")) {
            String name = "step-" + arch + "-" + t;
            boolean mlp = arch.equals("mlp");
            rows.add(bench(AGAINST_ORIGINALS, name, threads, saving(name, "--arch " + arch + " --steps " + (mlp ? 300 : 60)),
                    stepQuick()));
            rows.add(reference(name, "step-" + arch + "-reference-" + t, "step", arch + "-step.onnx",
                    th + " --arch " + arch + " --steps " + (mlp ? 50 : 15), " --steps 2 --warmup 1"));
        }
        if (quick && threads > 1) {
            return rows.stream().map(s -> s.skipped("--quick runs the one-thread rows only")).toList();
        }
        return rows;
    }

    /** AutoAttack's four standard stages on the robust MLP, one thread, and the original on the same weights. */
    private List<SuiteSection> autoAttack(String norm, String benchNorm, String referenceNorm) {
        String name = "autoattack-" + norm;
        return List.of(
                bench(AUTOATTACK, name, 1, saving(name, "--mode attacks --arch mlp --attacks fgsm --min-seconds 0 "
                        + "--ensemble-images 1000 --ensemble-stages apgd-ce,apgd-t,fab-t,square" + benchNorm),
                        attacksQuick(" --ensemble-images 10")),
                reference(name, name + "-reference", "ensemble", "robust-mlp.onnx",
                        " --threads 1 --images 1000 --stages apgd-ce,apgd-t,fab-t,square" + referenceNorm, " --images 10"));
    }

    /**
     * ResNet-18 and WRN-16-4 at batch 128, two threads: every row of {@code bench --mode scale}, then PyTorch on the
     * same weights and batches as a plain shell runs it, then PyTorch again with the same jemalloc the launcher
     * preloads, AutoAttack left out (skipped where {@code libjemalloc2} is not installed). Under --quick: WRN-16-4 alone at batch 4,
     * without AutoAttack.
     */
    private List<SuiteSection> realScale() {
        String quickRows = "plain,deep-defense,pgd";
        SuiteSection bench = bench(REAL_SCALE, "scale", 2, saving("scale", "--mode scale --arch resnet18,wrn-16-4"),
                args("--arch wrn-16-4 --batch 4 --peak-size 256 --scale-rows " + quickRows));
        Path dir = onnxDir("scale");
        List<String> reference = new ArrayList<>(List.of("scale", "--onnx", quick ? dir.resolve("wrn-16-4.onnx").toString()
                : dir.resolve("resnet18.onnx") + "," + dir.resolve("wrn-16-4.onnx"), "--min-seconds", "0", "--threads", "2"));
        if (quick) {
            reference.addAll(args("--peak-size 256 --rows " + quickRows));
        }
        // OpenMP's own wait policy, as defense-bench's side has on a quiet machine: PASSIVE slowed PyTorch's rows by up to 26%
        Map<String, String> plainShell = Map.of("OMP_NUM_THREADS", "2");
        Map<String, String> jemalloc = new HashMap<>(plainShell);
        jemalloc.put("LD_PRELOAD", JEMALLOC.toString());
        jemalloc.put("MALLOC_CONF", JEMALLOC_CONF);
        // the allocator matters for the training steps and attacks at batch 128; AutoAttack (8 images) is not rerun
        List<String> jemallocRows = quick ? reference : merged(reference, args("--rows plain,pgd-at,trades,deep-defense,pgd"));
        SuiteSection withJemalloc = SuiteSection.reference("scale-reference-jemalloc", REAL_SCALE, "scale", jemalloc,
                jemallocRows);
        return List.of(bench, SuiteSection.reference("scale-reference", REAL_SCALE, "scale", plainShell, reference),
                Files.exists(JEMALLOC) ? withJemalloc
                        : withJemalloc.skipped("no " + JEMALLOC + " (Debian: apt-get install libjemalloc2)"));
    }

    /**
     * A defense-bench section: {@code bench FULL} (with {@code QUICK} appended under --quick), with
     * {@code OMP_NUM_THREADS=threads} when {@code threads > 0}. Arguments starting with {@code run} are not bench's.
     */
    private SuiteSection bench(String table, String name, int threads, List<String> full, List<String> quickArgs) {
        return bench(table, name, threads > 0 ? Map.of("OMP_NUM_THREADS", Integer.toString(threads)) : Map.of(), full, quickArgs);
    }

    /** A defense-bench section with {@code env} on top of the suite's environment. */
    private SuiteSection bench(String table, String name, Map<String, String> env, List<String> full, List<String> quickArgs) {
        List<String> args = new ArrayList<>();
        if (!full.get(0).equals("run")) {
            args.add("bench");
        }
        args.addAll(quick ? merged(full, quickArgs) : full);
        return SuiteSection.bench(name, table, env, args);
    }

    /**
     * reference_speed.py MODE --onnx out/onnx/AFTER/FILE EXTRA (and QUICK under --quick), after section AFTER, with
     * OMP_NUM_THREADS (OpenBLAS's threads) equal to the {@code --threads} that EXTRA gives torch.
     */
    private SuiteSection reference(String after, String name, String mode, String file, String extra, String quickExtra) {
        List<String> args = new ArrayList<>(List.of(mode, "--onnx", onnxDir(after).resolve(file).toString()));
        args.addAll(quick ? merged(args(extra), args(quickExtra)) : args(extra));
        String table = after.startsWith("autoattack") ? AUTOATTACK : AGAINST_ORIGINALS;
        String threads = args.get(args.indexOf("--threads") + 1);
        return SuiteSection.reference(name, table, after, Map.of("OMP_NUM_THREADS", threads), args);
    }

    /**
     * {@code full} with every {@code --option value} pair of {@code quick} put in: the value replaced where
     * {@code full} has the option (a command line takes each option once), appended where not.
     */
    static List<String> merged(List<String> full, List<String> quick) {
        List<String> args = new ArrayList<>(full);
        for (int i = 0; i + 1 < quick.size(); i += 2) {
            int at = args.indexOf(quick.get(i));
            if (at >= 0 && at + 1 < args.size()) {
                args.set(at + 1, quick.get(i + 1));
            } else {
                args.add(quick.get(i));
                args.add(quick.get(i + 1));
            }
        }
        return args;
    }

    private List<String> saving(String section, String line) {
        List<String> args = new ArrayList<>(args(line));
        args.add("--save-onnx");
        args.add(onnxDir(section).toString());
        return args;
    }

    private Path onnxDir(String section) {
        return out.resolve("onnx").resolve(section);
    }

    private static List<String> stepQuick() {
        return args("--steps 3 --warmup 1 --pretrain-steps 2");
    }

    private static List<String> attacksQuick(String more) {
        return args("--min-seconds 0 --pretrain-steps 2 --robust-steps 2 --images 20 --batch 20" + more);
    }

    private static List<String> args(String line) {
        return line.isBlank() ? List.of() : List.of(line.trim().split(" +"));
    }
}
