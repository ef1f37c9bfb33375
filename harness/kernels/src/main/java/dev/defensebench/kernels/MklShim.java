package dev.defensebench.kernels;

import dev.defensebench.files.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one-function shared library ({@code native/mkl_cpu_as_intel.c}, shipped in this jar) that makes MKL
 * choose its kernels by instruction set on a non-Intel CPU, compiled on this machine with {@code cc} the
 * first time it is wanted and kept in the user's cache under a name that carries the source's digest.
 *
 * @param library the compiled library
 * @param sourceSha256 the digest of the C source it was compiled from
 */
public record MklShim(Path library, String sourceSha256) {

    private static final String SOURCE = "native/mkl_cpu_as_intel.c";
    private static final long COMPILE_TIMEOUT_SECONDS = 60;

    /**
     * The library built from the shipped source in {@code dir}, compiling it when absent.
     *
     * @throws IOException when there is no C compiler or it fails (the message says which and how to fix it)
     */
    public static MklShim build(Path dir) throws IOException, InterruptedException {
        byte[] source = source();
        String sha = sha256(source);
        Path library = dir.resolve("mkl_cpu_as_intel-" + sha.substring(0, 16) + ".so");
        if (Files.isRegularFile(library)) {
            return new MklShim(library, sha);
        }
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, "build");
        try {
            Path c = work.resolve("mkl_cpu_as_intel.c");
            Path out = work.resolve("mkl_cpu_as_intel.so");
            Files.write(c, source);
            Path log = work.resolve("cc.log");
            Process cc;
            try {
                cc = new ProcessBuilder(List.of("cc", "-shared", "-fPIC", "-O2", "-o", out.toString(), c.toString()))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IOException("no C compiler (cc) on the PATH to build the MKL dispatch shim; install one "
                        + "(for example: apt-get install gcc) to let defense-bench try it", e);
            }
            if (!cc.waitFor(COMPILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                cc.destroyForcibly();
                throw new IOException("cc did not build the MKL dispatch shim in " + COMPILE_TIMEOUT_SECONDS + " s");
            }
            if (cc.exitValue() != 0) {
                throw new IOException("cc failed to build the MKL dispatch shim (exit " + cc.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            AtomicFiles.copy(out, library);
            return new MklShim(library, sha);
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    private static byte[] source() throws IOException {
        try (InputStream in = MklShim.class.getClassLoader().getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException(SOURCE + " is missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
