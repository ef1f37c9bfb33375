package dev.defensebench.autograd;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes and loads the TorchScript module behind {@link Autograd}: a parameter-free module whose
 * {@code forward(out, inputs, create_graph)} returns {@code torch.autograd.grad([out], inputs, ...)}.
 *
 * <p>The module is generated at run time (no Python, no bundled binary): a stored (uncompressed) zip
 * with the archive version, an empty constants table, the pickled module object and its source code.
 */
final class GradHelperModule {

    private static final String NAME = "grad_helper";

    static final String SOURCE =
            String.join(
                    "\n",
                    "class GradHelper(Module):",
                    "  __parameters__ = []",
                    "  __buffers__ = []",
                    "  training : bool",
                    "  def forward(self: __torch__.GradHelper,",
                    "    out: Tensor,",
                    "    inputs: List[Tensor],",
                    "    create_graph: bool) -> List[Tensor]:",
                    "    grads = torch.autograd.grad([out], inputs, None, create_graph, create_graph, True)",
                    "    result = annotate(List[Tensor], [])",
                    "    for i in range(len(grads)):",
                    "      g = grads[i]",
                    "      if g is None:",
                    "        result.append(torch.zeros_like(inputs[i]))",
                    "      else:",
                    "        result.append(g)",
                    "    return result",
                    "  def jacobian(self: __torch__.GradHelper,",
                    "    out: Tensor,",
                    "    inp: Tensor) -> Tensor:",
                    "    rows = annotate(List[Tensor], [])",
                    "    for k in range(out.size(1)):",
                    "      grads = torch.autograd.grad([out.select(1, k).sum()], [inp], None, True, False, True)",
                    "      g = grads[0]",
                    "      if g is None:",
                    "        rows.append(torch.zeros_like(inp))",
                    "      else:",
                    "        rows.append(g)",
                    "    return torch.stack(rows)",
                    "");

    private static volatile PtSymbolBlock instance;

    private GradHelperModule() {}

    static PtSymbolBlock instance() {
        PtSymbolBlock module = instance;
        if (module == null) {
            synchronized (GradHelperModule.class) {
                module = instance;
                if (module == null) {
                    module = load();
                    instance = module;
                }
            }
        }
        return module;
    }

    /**
     * Runs the module's {@code forward} with grad mode on inside the TorchScript interpreter. DJL's
     * public {@code IValueUtils.forward(block, IValue...)} always runs in inference (no-grad) mode, which
     * would silently drop {@code create_graph}; the native entry point takes the mode as a flag but is
     * package-private, so it is reached by reflection (the jars are on the class path, not modules).
     */
    static IValue forwardWithGradMode(PtSymbolBlock module, IValue... inputs) {
        return runWithGradMode(module, "forward", inputs);
    }

    /** Runs the module's method {@code method} with grad mode on; see {@link #forwardWithGradMode}. */
    static IValue runWithGradMode(PtSymbolBlock module, String method, IValue... inputs) {
        // The profiling graph executor would re-specialise this tiny module for every new input shape
        // (batch sizes, parameter lists); it has nothing to optimise, so run it as written.
        JniUtils.setGraphExecutorOptimize(false);
        long[] handles = new long[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            handles[i] = inputs[i].getHandle();
        }
        try {
            long result =
                    (long) RUN_METHOD.invoke(LIBRARY, module.getHandle(), method, handles, true, false);
            return IVALUE_FROM_HANDLE.newInstance(result);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("TorchScript gradient helper failed", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this DJL PyTorch engine has no moduleRunMethod(long, String, long[], boolean, boolean)", e);
        }
    }

    private static final Object LIBRARY;
    private static final Method RUN_METHOD;
    private static final Constructor<IValue> IVALUE_FROM_HANDLE;

    static {
        try {
            Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            java.lang.reflect.Field lib = library.getDeclaredField("LIB");
            lib.setAccessible(true);
            LIBRARY = lib.get(null);
            RUN_METHOD = library.getDeclaredMethod(
                    "moduleRunMethod", long.class, String.class, long[].class, boolean.class, boolean.class);
            RUN_METHOD.setAccessible(true);
            IVALUE_FROM_HANDLE = IValue.class.getDeclaredConstructor(long.class);
            IVALUE_FROM_HANDLE.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static PtSymbolBlock load() {
        try {
            Path file = Files.createTempFile("defense-bench-grad-helper", ".pt");
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(archive());
            }
            PtNDManager manager = (PtNDManager) NDManager.newBaseManager();
            return JniUtils.loadModule(manager, file, true, new String[0], new String[0], false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TorchScript gradient helper", e);
        }
    }

    static byte[] archive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, NAME + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, NAME + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, NAME + "/data.pkl", modulePickle());
            stored(zip, NAME + "/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** Pickle protocol 2 of {@code __torch__.GradHelper()} with state {@code {"training": True}}. */
    private static byte[] modulePickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes("c__torch__\nGradHelper\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        p.write('('); // MARK
        byte[] key = "training".getBytes(StandardCharsets.UTF_8);
        p.write('X'); // BINUNICODE
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x88); // NEWTRUE
        p.write('u'); // SETITEMS
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }
}
