package dev.defensebench.onnx.proto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads protocol-buffer wire format from a byte array with every length and bound checked: a
 * truncated or corrupted message ends in a {@link ProtoFormatException} naming the offset, never in an
 * out-of-bounds read or an oversized allocation.
 */
public final class ProtoReader {

    private final byte[] data;
    private final int end;
    private final int base;
    private int pos;
    private int field;
    private int wireType;

    /** A reader over all of {@code data}. */
    public ProtoReader(byte[] data) {
        this(data, 0, data.length);
    }

    private ProtoReader(byte[] data, int from, int to) {
        this.data = data;
        this.pos = from;
        this.base = from;
        this.end = to;
    }

    /** Advances to the next field; false at the end of the message. */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        long tag = rawVarint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0 || tag >>> 3 > 0x1FFFFFFFL) {
            throw error("invalid field number " + (tag >>> 3));
        }
        if (wireType == 3 || wireType == 4 || wireType > 5) {
            throw error("unsupported wire type " + wireType + " for field " + field);
        }
        return true;
    }

    /** The current field's number. */
    public int field() {
        return field;
    }

    /** The current field's wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
    public int wireType() {
        return wireType;
    }

    /** The current varint field's value. */
    public long varint() {
        expect(0);
        return rawVarint();
    }

    /** The current varint field as an int, refusing values outside the int range. */
    public int int32() {
        long v = varint();
        if (v != (int) v) {
            throw error("field " + field + ": value " + v + " does not fit a 32-bit integer");
        }
        return (int) v;
    }

    /** The current fixed32 field as a float. */
    public float float32() {
        expect(5);
        return Float.intBitsToFloat(rawFixed32());
    }

    /** The current length-delimited field's bytes. */
    public byte[] bytes() {
        int length = length();
        byte[] value = Arrays.copyOfRange(data, pos, pos + length);
        pos += length;
        return value;
    }

    /** The current length-delimited field as strict UTF-8. */
    public String string() {
        int length = length();
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, pos, length)).toString();
            pos += length;
            return s;
        } catch (CharacterCodingException e) {
            throw error("field " + field + " is not valid UTF-8 text");
        }
    }

    /** A reader over the current embedded message (this reader moves past it). */
    public ProtoReader message() {
        int length = length();
        ProtoReader sub = new ProtoReader(data, pos, pos + length);
        pos += length;
        return sub;
    }

    /** The current repeated float field, packed or not. */
    public float[] floats() {
        if (wireType == 5) {
            return new float[] {float32()};
        }
        int length = length();
        if (length % 4 != 0) {
            throw error("field " + field + ": packed floats of " + length + " bytes (not a multiple of 4)");
        }
        float[] values = new float[length / 4];
        ByteBuffer.wrap(data, pos, length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        pos += length;
        return values;
    }

    /** The current repeated varint field, packed or not. */
    public long[] varints() {
        if (wireType == 0) {
            return new long[] {varint()};
        }
        int length = length();
        int stop = pos + length;
        long[] values = new long[Math.min(length, 16)];
        int n = 0;
        ProtoReader sub = new ProtoReader(data, pos, stop);
        while (sub.pos < stop) {
            if (n == values.length) {
                values = Arrays.copyOf(values, Math.min(length, values.length * 2));
            }
            values[n++] = sub.rawVarint();
        }
        pos = stop;
        return Arrays.copyOf(values, n);
    }

    /** Skips the current field. */
    public void skip() {
        switch (wireType) {
            case 0 -> rawVarint();
            case 1 -> advance(8);
            case 2 -> advance(length());
            case 5 -> advance(4);
            default -> throw error("cannot skip wire type " + wireType);
        }
    }

    private int length() {
        expect(2);
        long length = rawVarint();
        if (length < 0 || length > end - pos) {
            throw error("field " + field + " claims " + length + " bytes but only " + (end - pos) + " remain (truncated file?)");
        }
        return (int) length;
    }

    private void advance(int n) {
        if (n > end - pos) {
            throw error("field " + field + " needs " + n + " bytes but only " + (end - pos) + " remain (truncated file?)");
        }
        pos += n;
    }

    private void expect(int type) {
        if (wireType != type) {
            throw error("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    private long rawVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error("a number runs past the end of the data (truncated file?)");
            }
            byte b = data[pos++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw error("malformed varint (more than 10 bytes)");
    }

    private int rawFixed32() {
        advance(4);
        return ByteBuffer.wrap(data, pos - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private ProtoFormatException error(String message) {
        return new ProtoFormatException(message + " at byte " + pos + " (message starts at byte " + base + ")");
    }
}
