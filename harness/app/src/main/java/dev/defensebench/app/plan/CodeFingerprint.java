package dev.defensebench.app.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;

/**
 * SHA-256 over the class files of the code a plugin runs: its own class and every class of the project
 * it refers to, transitively (found in the class files' constant pools with ASM). A class belongs to the
 * project when it is in the {@code dev.defensebench} packages or comes from the same jar or class
 * directory as the plugin, so a plugin from outside the repository is covered too; libraries are not
 * followed (their versions are part of {@link CodeIdentity}). The digest depends only on the bytes of the
 * classes, not on where they are packed, so a plain run and a Spark worker agree.
 */
public final class CodeFingerprint {

    private static final String PROJECT = "dev/defensebench/";
    /** The constant pool tag of a class reference (JVMS 4.4.1). */
    private static final int CONSTANT_CLASS = 7;
    private static final Map<Class<?>, String> CACHE = new ConcurrentHashMap<>();

    private CodeFingerprint() {}

    /** The fingerprint of {@code root}'s code (cached per class). */
    public static String of(Class<?> root) {
        return CACHE.computeIfAbsent(root, CodeFingerprint::compute);
    }

    /** The class files {@code root} runs, by internal name (e.g. {@code dev/defensebench/attacks/Fgsm}). */
    static Map<String, byte[]> closure(Class<?> root) {
        ClassLoader loader = root.getClassLoader() != null ? root.getClassLoader() : ClassLoader.getSystemClassLoader();
        CodeSource source = root.getProtectionDomain().getCodeSource();
        String location = source == null || source.getLocation() == null ? null : source.getLocation().toString();
        Map<String, byte[]> classes = new TreeMap<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add(root.getName().replace('.', '/'));
        while (!pending.isEmpty()) {
            String name = pending.poll();
            if (classes.containsKey(name)) {
                continue;
            }
            URL resource = loader.getResource(name + ".class");
            if (resource == null || !(name.startsWith(PROJECT) || fromLocation(resource, location))) {
                continue;
            }
            byte[] bytes = read(resource);
            classes.put(name, bytes);
            pending.addAll(referencedClasses(bytes));
        }
        return classes;
    }

    private static String compute(Class<?> root) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> c : closure(root).entrySet()) {
                digest.update(c.getKey().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(MessageDigest.getInstance("SHA-256").digest(c.getValue()));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** The classes named in the constant pool of a class file (array types reduced to their element class). */
    private static List<String> referencedClasses(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        char[] buffer = new char[reader.getMaxStringLength()];
        List<String> names = new ArrayList<>();
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset > 0 && reader.readByte(offset - 1) == CONSTANT_CLASS) {
                String name = reader.readUTF8(offset, buffer);
                if (name.startsWith("[")) {
                    int start = name.indexOf('L');
                    if (start < 0) {
                        continue; // an array of primitives
                    }
                    name = name.substring(start + 1, name.length() - 1);
                }
                names.add(name);
            }
        }
        return names;
    }

    private static boolean fromLocation(URL resource, String location) {
        if (location == null) {
            return false;
        }
        String url = resource.toString();
        return url.startsWith(location) || url.startsWith("jar:" + location + "!/");
    }

    private static byte[] read(URL resource) {
        try (InputStream in = resource.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
