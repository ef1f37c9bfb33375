package dev.defensebench.app.run;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Resolves the "auto" / "cpu" / "gpu" device setting. */
public final class Devices {

    private Devices() {}

    /** auto: the first CUDA GPU when DJL finds one, else the CPU; gpu without a GPU is an error. */
    public static Device resolve(String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        switch (setting) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (gpus == 0) {
                    throw new IllegalArgumentException("device 'gpu' requested but DJL finds no CUDA GPU: install the "
                            + "CUDA PyTorch natives (see the README, 'Running on a GPU') or use --device cpu");
                }
                return Device.gpu();
            case "auto":
                return gpus > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("unknown device '" + setting + "'; allowed: auto, cpu, gpu");
        }
    }
}
