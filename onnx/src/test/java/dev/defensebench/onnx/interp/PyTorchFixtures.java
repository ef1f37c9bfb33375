package dev.defensebench.onnx.interp;

/** Access to the PyTorch fixture files for tests outside this package. */
public final class PyTorchFixtures {

    private PyTorchFixtures() {}

    /** The bytes of fixture {@code name}'s ONNX export. */
    public static byte[] onnx(String name) {
        return PyTorchFixture.named(name).onnx();
    }

    /** The bytes of the fixture resource {@code file} (e.g. NAME.logits.bin). */
    public static byte[] file(String file) {
        try (java.io.InputStream in = PyTorchFixtures.class.getResourceAsStream("/fixtures/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /fixtures/" + file);
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
