package dev.spamgpt.core.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * The three things every DJL user of this project must get right, in one place: starting the engine
 * from a child class loader, picking the device, and turning autograd off per thread.
 */
public final class Djl {

    private static final ThreadLocal<Boolean> NO_GRAD = new ThreadLocal<>();

    private Djl() {}

    /**
     * Returns the PyTorch engine, starting it with this library's class loader as the thread
     * context class loader: DJL finds engines through it, and James loads extension jars with a
     * child class loader that the context loader does not see.
     *
     * @return the engine
     */
    public static Engine engine() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Djl.class.getClassLoader());
        try {
            return Engine.getEngine("PyTorch");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Picks a device.
     *
     * @param choice {@code auto} (a GPU when the engine sees one, else the CPU), {@code cpu} or
     *     {@code gpu}
     * @return the device
     * @throws IllegalArgumentException for {@code gpu} without a GPU, or an unknown choice
     */
    public static Device device(String choice) {
        int gpus = engine().getGpuCount();
        switch (choice == null ? "auto" : choice.toLowerCase(Locale.ROOT)) {
            case "auto":
                return gpus > 0 ? Device.gpu() : Device.cpu();
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (gpus == 0) {
                    throw new IllegalArgumentException(
                            "device gpu was asked for, but DJL sees no GPU;"
                                    + " see the README's GPU section (CUDA build of libtorch)");
                }
                return Device.gpu();
            default:
                throw new IllegalArgumentException(
                        "unknown device '" + choice + "': use auto, cpu or gpu");
        }
    }

    /**
     * Tells whether autograd records on the calling thread, as inside a {@code GradientCollector}.
     *
     * @return true while operations are recorded for backward
     */
    public static boolean recordingGradients() {
        engine();
        return JniUtils.isGradMode();
    }

    /**
     * Turns autograd off on the calling thread, once per thread. DJL turns it off only on the
     * thread that started the engine; without this, inference on worker threads records a graph.
     */
    public static void noGradOnThisThread() {
        if (NO_GRAD.get() == null) {
            engine();
            JniUtils.setGradMode(false);
            NO_GRAD.set(Boolean.TRUE);
        }
    }
}
