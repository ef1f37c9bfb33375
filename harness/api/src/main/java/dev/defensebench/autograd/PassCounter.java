package dev.defensebench.autograd;

/**
 * Counts the image-passes through networks on the current thread, forward (every network evaluation,
 * one per image) and backward (every backward pass, one per image of the tensor differentiated or of the
 * batch whose loss is), so the training loop can record what a defense spent whatever it does inside its
 * loss. The counts only grow; callers take a {@link #snapshot} before and after the work they measure.
 */
public final class PassCounter {

    private static final ThreadLocal<long[]> COUNTS = ThreadLocal.withInitial(() -> new long[2]);

    private PassCounter() {}

    /** The counts of the current thread at one moment. */
    public record Snapshot(long forward, long backward) {

        /** The passes counted between {@code earlier} and this snapshot. */
        public Snapshot since(Snapshot earlier) {
            return new Snapshot(forward - earlier.forward, backward - earlier.backward);
        }
    }

    /** Counts a forward pass of {@code images} images. */
    public static void forward(long images) {
        COUNTS.get()[0] += images;
    }

    /** Counts a backward pass of {@code images} images. */
    public static void backward(long images) {
        COUNTS.get()[1] += images;
    }

    /** The current thread's counts. */
    public static Snapshot snapshot() {
        long[] c = COUNTS.get();
        return new Snapshot(c[0], c[1]);
    }
}
