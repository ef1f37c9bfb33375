package dev.defensebench.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's measured peak float32 FLOP/s: the best of a few products of two n×n matrices through
 * DJL and libtorch (2n³ FLOPs each) on the thread count in use, the yardstick of {@code bench --mode
 * scale}'s fraction of peak. Seeded inputs; each product is synchronised before the clock stops.
 *
 * @param size n
 * @param flopsPerSecond the best product's FLOPs per second
 * @param bestSeconds the best product's wall seconds
 */
record PeakFlops(int size, double flopsPerSecond, double bestSeconds) {

    /** Best of {@code tries} timed n×n products after one untimed product. */
    static PeakFlops measure(int size, int tries, Device device) {
        if (size < 1 || tries < 1) {
            throw new IllegalArgumentException("the peak product needs a size and tries >= 1, found " + size + " and " + tries);
        }
        try (NDManager manager = NDManager.newBaseManager(device)) {
            manager.getEngine().setRandomSeed(0);
            NDArray a = manager.randomUniform(-1, 1, new Shape(size, size));
            NDArray b = manager.randomUniform(-1, 1, new Shape(size, size));
            double best = Double.MAX_VALUE;
            for (int t = 0; t <= tries; t++) {
                try (NDScope scope = new NDScope()) {
                    long start = System.nanoTime();
                    a.matMul(b).get(0, 0).getFloat(); // wait for the device
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (t > 0) {
                        best = Math.min(best, seconds);
                    }
                }
            }
            return new PeakFlops(size, 2.0 * size * size * size / best, best);
        }
    }
}
