package dev.defensebench.onnx.interp;

/** Access to the PyTorch fixture files for tests outside this package. */
public final class PyTorchFixtures {

    private PyTorchFixtures() {}

    /** The bytes of fixture {@code name}'s ONNX export. */
    public static byte[] onnx(String name) {
        return PyTorchFixture.named(name).onnx();
    }
}
