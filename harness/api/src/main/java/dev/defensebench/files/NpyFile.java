package dev.defensebench.files;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array (format versions 1 to 3) of little- or big-endian float32 or float64 in C order,
 * read as float32: what {@code numpy.save} writes for an array of adversarial inputs. Other dtypes and
 * Fortran order are refused with a message naming the file and what it holds.
 *
 * @param shape the array's shape
 * @param values its elements in C (row-major) order
 */
public record NpyFile(long[] shape, float[] values) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** The header of an .npy file: element type, byte order and shape. */
    public record Header(String descr, long[] shape, int dataOffset) {

        /** Bytes per element (4 for float32, 8 for float64). */
        int width() {
            return descr.endsWith("f4") ? 4 : 8;
        }

        /** The number of elements. */
        public long count() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Reads only the header of {@code file}, checking it is an array this class reads. */
    public static Header header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return header(file, new DataInputStream(in));
        }
    }

    /** Reads {@code file}. */
    public static NpyFile read(Path file) throws IOException {
        Header h = header(file);
        long count = h.count();
        long expected = h.dataOffset() + count * h.width();
        if (Files.size(file) != expected) {
            throw new IOException(file + ": the header announces " + count + " elements (" + expected + " bytes in all) but "
                    + "the file has " + Files.size(file) + " bytes");
        }
        if (count > Integer.MAX_VALUE) {
            throw new IOException(file + ": " + count + " elements is more than this reader holds");
        }
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file), h.dataOffset(), (int) (count * h.width()));
        data.order(h.descr().startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = h.width() == 4 ? data.getFloat() : (float) data.getDouble();
        }
        return new NpyFile(h.shape(), values);
    }

    private static Header header(Path file, DataInputStream in) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a NumPy .npy file (it does not start with \\x93NUMPY)");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        if (major < 1 || major > 3) {
            throw new IOException(file + ": .npy format version " + major + " is not supported (1 to 3 are)");
        }
        int length;
        if (major == 1) {
            length = in.readUnsignedByte() | in.readUnsignedByte() << 8;
        } else {
            length = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16 | in.readUnsignedByte() << 24;
        }
        byte[] text = new byte[length];
        in.readFully(text);
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(file, DESCR, dict, "descr");
        if (!descr.matches("[<>=]f[48]")) {
            throw new IOException(file + ": holds dtype '" + descr + "'; only float32 ('<f4') and float64 ('<f8') are read");
        }
        if (group(file, FORTRAN, dict, "fortran_order").equals("True")) {
            throw new IOException(file + ": is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        List<Long> dims = new ArrayList<>();
        for (String d : group(file, SHAPE, dict, "shape").split(",")) {
            if (!d.isBlank()) {
                dims.add(Long.parseLong(d.trim()));
            }
        }
        int offset = MAGIC.length + 2 + (major == 1 ? 2 : 4) + length;
        return new Header(descr.replace("=", "<"), dims.stream().mapToLong(Long::longValue).toArray(), offset);
    }

    private static String group(Path file, Pattern pattern, String dict, String key) throws IOException {
        Matcher m = pattern.matcher(dict);
        if (!m.find()) {
            throw new IOException(file + ": the .npy header has no readable '" + key + "': " + dict.trim());
        }
        return m.group(1);
    }
}
