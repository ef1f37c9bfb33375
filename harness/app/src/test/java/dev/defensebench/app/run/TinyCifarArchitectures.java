package dev.defensebench.app.run;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.Nin;
import dev.defensebench.model.PreActResNet18;
import dev.defensebench.model.ResNet18;
import dev.defensebench.model.WideResNet;

/**
 * The new CIFAR architectures at tiny widths, registered for the tests only (test resources'
 * {@code META-INF/services}), so an end-to-end run through the real plugin lookup takes seconds.
 */
final class TinyCifarArchitectures {

    private TinyCifarArchitectures() {}

    /** Delegates to {@code inner} under the name {@code tiny-<inner name>}. */
    abstract static class Tiny implements Architecture {
        private final Architecture inner;

        Tiny(Architecture inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "tiny-" + inner.name();
        }

        @Override
        public String description() {
            return "tests only: " + inner.description() + " at a tiny width";
        }

        @Override
        public Block build(Shape sampleShape, int numClasses) {
            return inner.build(sampleShape, numClasses);
        }
    }

    /** ResNet-18 with 4 channels in the first stage. */
    public static final class TinyResNet18 extends Tiny {
        public TinyResNet18() {
            super(new ResNet18(4));
        }
    }

    /** PreAct-ResNet-18 with 4 channels in the first stage. */
    public static final class TinyPreActResNet18 extends Tiny {
        public TinyPreActResNet18() {
            super(new PreActResNet18(4));
        }
    }

    /** WRN-10-1 (the WideResNet code at its smallest depth and width). */
    public static final class TinyWideResNet extends Tiny {
        public TinyWideResNet() {
            super(new WideResNet(10, 1));
        }
    }

    /** NIN with widths 24, 20, 12. */
    public static final class TinyNin extends Tiny {
        public TinyNin() {
            super(new Nin(24, 20, 12));
        }
    }
}
