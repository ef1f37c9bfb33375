package dev.defensebench.adaptive;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputTransform;
import java.util.Random;

/**
 * A classifier with a defense's test-time {@link InputTransform} in front of a model: {@code
 * model(transform(x))}. In its plain form gradients flow through the transform as it is (zero through a
 * quantiser or JPEG); its {@link #bpda() BPDA} form computes the same forward but differentiates the
 * transform's declared approximation instead (Athalye, Carlini, Wagner 2018): {@code g(x) + stop(t(x) -
 * g(x))}. A randomized transform draws from one seeded {@link Random}, so every run is reproducible.
 */
public final class TransformedClassifier extends WrappedClassifier {

    private final InputTransform transform;
    private final long seed;
    private final Random random;
    private final boolean bpda;

    /** {@code model} behind {@code transform}, whose random draws derive from {@code seed}. */
    public TransformedClassifier(Classifier model, InputTransform transform, long seed) {
        this(model, transform, seed, false);
    }

    private TransformedClassifier(Classifier model, InputTransform transform, long seed, boolean bpda) {
        super(model);
        this.transform = transform;
        this.seed = seed;
        this.random = new Random(seed);
        this.bpda = bpda;
    }

    /** The same classifier whose backward pass goes through the transform's approximation (fresh draws from the seed). */
    public TransformedClassifier bpda() {
        return new TransformedClassifier(model, transform, seed, true);
    }

    /** The transform in front of the model. */
    public InputTransform transform() {
        return transform;
    }

    /** Whether this is the BPDA form. */
    public boolean isBpda() {
        return bpda;
    }





    @Override
    public NDArray logits(NDArray inputs) {
        NDArray transformed = transform.apply(inputs, random);
        if (bpda) {
            NDArray approximation = transform.approximation(inputs);
            transformed = approximation.add(transformed.sub(approximation).stopGradient());
        }
        return model.logits(transformed);
    }
}
