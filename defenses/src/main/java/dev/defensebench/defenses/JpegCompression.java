package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG compression at test time (Dziugaite et al. 2016; Guo et al. 2018): every input, as 8-bit pixels over
 * the input box, is encoded as a JPEG of the given quality with the JDK's ImageIO and decoded again.
 * Deterministic and non-differentiable (computed outside the engine: zero derivative); Athalye, Carlini,
 * Wagner (2018) break it with BPDA. Its BPDA approximation is a differentiable JPEG at the same quality
 * ({@link DifferentiableJpeg}: block DCT, ImageIO's quantisation tables, soft rounding; Shin &amp; Song 2017).
 * One or three channels. Wraps its {@code init_from} model without retraining it.
 */
public final class JpegCompression implements Defense {

    @Override
    public String name() {
        return "jpeg";
    }

    @Override
    public String description() {
        return "JPEG compression at test time (the JDK's ImageIO), over the init_from model, no training";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.ofInt("quality", 75, "JPEG quality, 1 to 100"));
    }

    @Override
    public void validate(Hyperparameters params) {
        int quality = params.getInt("quality");
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("'quality' must be from 1 to 100, found " + quality);
        }
    }

    @Override
    public InputTransform inputTransform(Hyperparameters params, InputBox box) {
        validate(params);
        long channels = box.sampleShape().get(0);
        if (box.sampleShape().dimension() != 3 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("defense 'jpeg' needs images of 1 or 3 channels (C, H, W), found "
                    + box.sampleShape());
        }
        return new Codec(params.getInt("quality"), box);
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        validate(request.params());
        return ParentWeights.load(request, name(), inputTransform(request.params(), request.data().box()).describe());
    }

    /** The JPEG round trip of every sample, through 8-bit pixels over the box. */
    record Codec(int quality, InputBox box) implements InputTransform {

        @Override
        public NDArray apply(NDArray inputs, Random random) {
            float[] x = inputs.toType(DataType.FLOAT32, false).toFloatArray();
            int per = (int) box.sampleShape().size();
            float[] out = new float[x.length];
            for (int from = 0; from < x.length; from += per) {
                roundTrip(x, out, from);
            }
            return InputTransform.outsideTheGraph(inputs, out);
        }

        private void roundTrip(float[] x, float[] out, int from) {
            int c = (int) box.sampleShape().get(0);
            int h = (int) box.sampleShape().get(1);
            int w = (int) box.sampleShape().get(2);
            BufferedImage image = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int rgb = 0;
                    for (int k = 0; k < c; k++) {
                        rgb = (rgb << 8) | toByte(x, from, k * h * w + i * w + j);
                    }
                    image.getRaster().setPixel(j, i, c == 1 ? new int[] {rgb} : new int[] {rgb >> 16, (rgb >> 8) & 255, rgb & 255});
                }
            }
            BufferedImage decoded = decode(encode(image, quality));
            int[] pixel = new int[c];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    decoded.getRaster().getPixel(j, i, pixel);
                    for (int k = 0; k < c; k++) {
                        int index = k * h * w + i * w + j;
                        float lower = box.lower()[index];
                        out[from + index] = lower + pixel[k] / 255f * (box.upper()[index] - lower);
                    }
                }
            }
        }

        private int toByte(float[] x, int from, int index) {
            float lower = box.lower()[index];
            float unit = (x[from + index] - lower) / (box.upper()[index] - lower);
            return Math.round(Math.max(0, Math.min(1, unit)) * 255);
        }

        /** {@code image} as a JPEG of {@code quality} (1 to 100) written by the JDK's ImageIO. */
        static byte[] encode(BufferedImage image, int quality) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
                writer.write(null, new IIOImage(image, null, null), param);
            } catch (IOException e) {
                throw new UncheckedIOException("JPEG encoding failed", e);
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        }

        private static BufferedImage decode(byte[] jpeg) {
            try {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
                if (image == null) {
                    throw new IllegalStateException("ImageIO could not decode the JPEG it wrote");
                }
                return image;
            } catch (IOException e) {
                throw new UncheckedIOException("JPEG decoding failed", e);
            }
        }

        /** The differentiable JPEG at this quality (block DCT, ImageIO's tables, soft rounding). */
        @Override
        public NDArray approximation(NDArray inputs) {
            return new DifferentiableJpeg(quality, box).apply(inputs);
        }

        @Override
        public String describe() {
            return "JPEG quality " + quality;
        }
    }
}
