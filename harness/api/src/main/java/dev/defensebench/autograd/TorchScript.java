package dev.defensebench.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A parameter-free TorchScript module compiled by libtorch at run time from TorchScript source held in
 * the program (no Python, no bundled binary): a stored (uncompressed) zip with the archive version, an
 * empty constants table, the pickled module object and its source code. A whole computation written as
 * one method costs one native call instead of one per tensor operation.
 *
 * <p>The source declares {@code class NAME(Module):} with {@code __parameters__ = []}, {@code __buffers__ =
 * []}, {@code training : bool} and methods whose {@code self} is typed {@code __torch__.NAME}.
 */
public final class TorchScript {

    private final PtSymbolBlock module;

    private TorchScript(PtSymbolBlock module) {
        this.module = module;
    }

    private static final java.util.Map<String, TorchScript> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The module of class {@code className} from {@code source}, compiled on first use, once per JVM. */
    public static TorchScript compiledOnce(String className, String source) {
        return COMPILED.computeIfAbsent(className, name -> compile(name, source));
    }

    /** Compiles {@code source}, which defines the module class {@code className}. */
    private static TorchScript compile(String className, String source) {
        try {
            Path file = Files.createTempFile("defense-bench-" + className, ".pt");
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(archive(className, source));
            }
            PtNDManager manager = (PtNDManager) NDManager.newBaseManager();
            return new TorchScript(JniUtils.loadModule(manager, file, true, new String[0], new String[0], false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TorchScript module " + className, e);
        }
    }

    /**
     * Runs the method {@code method} with grad mode on inside the TorchScript interpreter. DJL's public
     * {@code IValueUtils.runMethod} always runs in inference (no-grad) mode, which would silently drop a
     * {@code create_graph}; the native entry point takes the mode as a flag but is package-private, so it
     * is reached by reflection (the jars are on the class path, not modules). The caller closes the result.
     */
    public IValue run(String method, IValue... inputs) {
        // The profiling graph executor would re-specialise these small methods for every new input shape
        // (batch sizes, parameter lists); they have nothing to optimise, so run them as written.
        JniUtils.setGraphExecutorOptimize(false);
        long[] handles = new long[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            handles[i] = inputs[i].getHandle();
        }
        try {
            long result = (long) RUN_METHOD.invoke(LIBRARY, module.getHandle(), method, handles, true, false);
            return IVALUE_FROM_HANDLE.newInstance(result);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("TorchScript method " + method + " failed", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this DJL PyTorch engine has no moduleRunMethod(long, String, long[], boolean, boolean)", e);
        }
    }

    /**
     * Runs {@code method} on {@code inputs} (see {@link #run}) and returns its single tensor, owned by {@code
     * manager}; the inputs and the result's native value are closed, whatever happens.
     */
    public NDArray runForTensor(String method, PtNDManager manager, IValue... inputs) {
        IValue result = null;
        try {
            result = run(method, inputs);
            return result.toTensor(manager);
        } finally {
            for (IValue input : inputs) {
                input.close();
            }
            if (result != null) {
                result.close();
            }
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

    /** The module archive: the source of class {@code className} and its pickled instance. */
    static byte[] archive(String className, String source) throws IOException {
        String folder = className.toLowerCase(java.util.Locale.ROOT);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, folder + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, folder + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, folder + "/data.pkl", modulePickle(className));
            stored(zip, folder + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** Pickle protocol 2 of {@code __torch__.CLASS()} with state {@code {"training": True}}. */
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
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
