package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Scalars;
import dev.defensebench.spi.InputBox;
import javax.imageio.plugins.jpeg.JPEGQTable;

/**
 * A differentiable stand-in for the JDK's baseline JPEG round trip, the BPDA approximation of {@link
 * JpegCompression} (Shin &amp; Song 2017, "JPEG-resistant adversarial images"; Athalye, Carlini, Wagner 2018).
 * Every channel as level-shifted 8-bit values ({@code 255 u - 128}, u the input rescaled to [0, 1] over the
 * box), its right and bottom edges repeated up to a multiple of 8 as the encoder pads, 8×8 block DCT-II
 * (orthonormal), each coefficient divided by the quantisation table ImageIO writes at the quality, rounded by
 * the differentiable {@code round(c) + (c - round(c))³}, multiplied back, inverse DCT, cropped, shifted back
 * and clamped to [0, 255]. Three channels go through RGB → YCbCr (JFIF) with the luminance table on Y and the
 * chrominance table on Cb and Cr, the chroma subsampled 4:2:0 as ImageIO's libjpeg does (2×2 means of the
 * edge-padded plane; decoded by libjpeg's "fancy" triangle upsampling), and back. The reference is
 * {@code docs/bench/jpeg_approximation.py}.
 */
final class DifferentiableJpeg {

    private static final int BLOCK = 8;
    private static final double[][] TO_RGB = {{1, 0, 1.402}, {1, -0.344136286, -0.714136286}, {1, 1.772, 0}};
    private static final double[][] TO_YCBCR = {
        {0.299, 0.587, 0.114}, {-0.168735892, -0.331264108, 0.5}, {0.5, -0.418687589, -0.081312411}};

    private final int[] luminance;
    private final int[] chrominance;
    private final InputBox box;

    /** The approximation of ImageIO's JPEG at {@code quality} (1 to 100) of images over {@code box}. */
    DifferentiableJpeg(int quality, InputBox box) {
        this.luminance = table(JPEGQTable.K1Luminance, quality);
        this.chrominance = table(JPEGQTable.K2Chrominance, quality);
        this.box = box;
    }

    /**
     * The quantisation table, in natural order, that the JDK's JPEG writer uses at {@code quality}: the
     * standard table (ITU-T T.81 Annex K) scaled by IJG's linear quality as the JDK computes it in float,
     * 0.5 / f below f = 0.5 and 2 - 2f above, entries clamped to 1..255 (baseline).
     */
    static int[] table(JPEGQTable standard, int quality) {
        float f = quality / 100f;
        float linear = f < 0.5f ? 0.5f / f : 2.0f - f * 2.0f;
        return standard.getScaledInstance(linear, true).getTable();
    }

    /** The approximation of inputs (N, C, H, W), C 1 or 3, over the box; differentiable in recorded graphs. */
    NDArray apply(NDArray inputs) {
        NDList bounds = box.bounds(inputs);
        NDArray lower = owned(bounds.get(0));
        NDArray range = owned(bounds.get(1)).sub(lower);
        NDArray pixels = inputs.sub(lower).div(range).mul(Scalars.of(inputs, 255));
        NDArray restored = inputs.getShape().get(1) == 1 ? gray(pixels) : colour(pixels);
        NDArray unit = restored.clip(0, 255).div(Scalars.of(inputs, 255));
        return unit.mul(range).add(lower);
    }

    private NDArray gray(NDArray pixels) {
        NDArray shift = Scalars.of(pixels, 128);
        return compress(pixels.get(":, 0").sub(shift), luminance).add(shift).expandDims(1);
    }

    private NDArray colour(NDArray pixels) {
        NDList rgb = new NDList(pixels.get(":, 0"), pixels.get(":, 1"), pixels.get(":, 2"));
        long h = pixels.getShape().get(2);
        long w = pixels.getShape().get(3);
        NDArray shift = Scalars.of(pixels, 128);
        NDList ycbcr = new NDList(
                compress(mix(rgb, TO_YCBCR[0]).sub(shift), luminance).add(shift),
                upsample(compress(downsample(mix(rgb, TO_YCBCR[1])), chrominance), h, w),
                upsample(compress(downsample(mix(rgb, TO_YCBCR[2])), chrominance), h, w));
        return NDArrays.stack(new NDList(mix(ycbcr, TO_RGB[0]), mix(ycbcr, TO_RGB[1]), mix(ycbcr, TO_RGB[2])), 1);
    }

    /** 4:2:0 as libjpeg's encoder subsamples: the plane (N, H, W), edges repeated to a multiple of 16, in 2×2 means. */
    private static NDArray downsample(NDArray plane) {
        NDArray padded = padTo(padTo(plane, 1, 2 * BLOCK), 2, 2 * BLOCK);
        long n = padded.getShape().get(0);
        long h = padded.getShape().get(1) / 2;
        long w = padded.getShape().get(2) / 2;
        return padded.reshape(n, h, 2, w, 2).mean(new int[] {4}).mean(new int[] {2});
    }

    /**
     * libjpeg's decoder's "fancy" h2v2 upsampling of the first ⌈h/2⌉ × ⌈w/2⌉ samples to h × w: along each axis,
     * each output sample is 3/4 of its nearest input sample and 1/4 of the next nearest, edges repeated.
     */
    private static NDArray upsample(NDArray plane, long h, long w) {
        NDArray out = plane.get(":, :" + (h + 1) / 2 + ", :" + (w + 1) / 2);
        for (int axis = 1; axis <= 2; axis++) {
            long size = out.getShape().get(axis);
            NDArray before = slice(out, axis, "0:1").concat(slice(out, axis, "0:" + (size - 1)), axis);
            NDArray after = slice(out, axis, "1:").concat(slice(out, axis, (size - 1) + ":"), axis);
            NDArray near = out.mul(Scalars.of(out, 0.75));
            NDArray pair = NDArrays.stack(new NDList(near.add(before.mul(Scalars.of(out, 0.25))),
                    near.add(after.mul(Scalars.of(out, 0.25)))), axis + 1);
            Shape shape = out.getShape();
            out = pair.reshape(axis == 1 ? new Shape(shape.get(0), 2 * size, shape.get(2)) : new Shape(shape.get(0), shape.get(1), 2 * size));
        }
        return out.get(":, :" + h + ", :" + w);
    }

    /** {@code range} (e.g. "1:") of axis 1 or 2 of a plane (N, H, W). */
    private static NDArray slice(NDArray plane, int axis, String range) {
        return plane.get(axis == 1 ? ":, " + range : ":, :, " + range);
    }

    /** The weighted sum of three planes. */
    private static NDArray mix(NDList planes, double[] weights) {
        NDArray sum = null;
        for (int k = 0; k < 3; k++) {
            if (weights[k] != 0) {
                NDArray term = planes.get(k).mul(Scalars.of(planes.get(k), weights[k]));
                sum = sum == null ? term : sum.add(term);
            }
        }
        return sum;
    }

    /** One level-shifted plane (N, H, W) through the padded block DCT, the soft quantisation and back. */
    private static NDArray compress(NDArray plane, int[] table) {
        long n = plane.getShape().get(0);
        long h = plane.getShape().get(1);
        long w = plane.getShape().get(2);
        NDArray padded = padTo(padTo(plane, 1, BLOCK), 2, BLOCK);
        long bh = padded.getShape().get(1) / BLOCK;
        long bw = padded.getShape().get(2) / BLOCK;
        NDArray blocks = padded.reshape(n, bh, BLOCK, bw, BLOCK).transpose(0, 1, 3, 2, 4);
        NDArray dct = dctMatrix(plane);
        NDArray dctT = dct.transpose();
        NDArray q = owned(plane.getManager(), table, plane);
        NDArray scaled = dct.matMul(blocks).matMul(dctT).div(q);
        NDArray restored = dctT.matMul(softRound(scaled).mul(q)).matMul(dct);
        return restored.transpose(0, 1, 3, 2, 4).reshape(n, bh * BLOCK, bw * BLOCK).get(":, :" + h + ", :" + w);
    }

    /** {@code plane} with its last row ({@code axis} 1) or column (2) repeated up to a multiple of {@code multiple}. */
    private static NDArray padTo(NDArray plane, int axis, int multiple) {
        long size = plane.getShape().get(axis);
        long missing = Math.floorMod(-size, multiple);
        if (missing == 0) {
            return plane;
        }
        NDArray edge = slice(plane, axis, "-1:");
        return plane.concat(edge.repeat(axis, missing), axis);
    }

    /** round(c) + (c - round(c))³: round's values up to the cube, with the derivative 3 (c - round(c))². */
    private static NDArray softRound(NDArray c) {
        NDArray rounded = c.round().stopGradient();
        NDArray rest = c.sub(rounded);
        return rounded.add(rest.mul(rest).mul(rest));
    }

    /** The orthonormal 8-point DCT-II: row k, column n is a(k) cos(π (2n + 1) k / 16). */
    private static NDArray dctMatrix(NDArray like) {
        double[] d = new double[BLOCK * BLOCK];
        for (int k = 0; k < BLOCK; k++) {
            double a = Math.sqrt((k == 0 ? 1.0 : 2.0) / BLOCK);
            for (int i = 0; i < BLOCK; i++) {
                d[k * BLOCK + i] = a * Math.cos(Math.PI * (2 * i + 1) * k / (2.0 * BLOCK));
            }
        }
        return owned(like.getManager().create(d, new Shape(BLOCK, BLOCK)), like);
    }

    private static NDArray owned(NDManager m, int[] table, NDArray like) {
        return owned(m.create(table, new Shape(BLOCK, BLOCK)), like);
    }

    /**
     * {@code created} (over a Java buffer) as a copy of {@code like}'s type that libtorch owns; {@code created} is
     * closed. {@code toType} to the same type may return a view of the Java buffer, freed with it (a float64 test
     * read a changed element that way).
     */
    private static NDArray owned(NDArray created, NDArray like) {
        try (created) {
            return created.toType(like.getDataType(), false).duplicate();
        }
    }

    /** A copy libtorch owns (a Java-buffer array may be freed while a recorded graph still needs it). */
    private static NDArray owned(NDArray array) {
        return array.duplicate();
    }
}
