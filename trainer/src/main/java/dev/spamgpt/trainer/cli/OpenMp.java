package dev.spamgpt.trainer.cli;

import com.sun.jna.NativeLibrary;

/**
 * Makes libtorch's OpenMP threads sleep instead of spin while they wait for work.
 *
 * <p>libgomp reads {@code OMP_WAIT_POLICY} once, when libtorch is loaded. Spinning threads fight
 * each other and every other process for the cores, and a shared machine then runs a forward pass
 * many times slower (README, Troubleshooting). Java cannot change its own environment, so this sets
 * the variable through libc before the engine starts. A value the user exported is kept.
 */
final class OpenMp {

    private OpenMp() {}

    /** Sets {@code OMP_WAIT_POLICY=PASSIVE} unless it is set; call before the engine starts. */
    static void preferPassiveWaiting() {
        if (System.getenv("OMP_WAIT_POLICY") != null) {
            return;
        }
        try {
            NativeLibrary.getInstance("c")
                    .getFunction("setenv")
                    .invokeInt(new Object[] {"OMP_WAIT_POLICY", "PASSIVE", 0});
        } catch (RuntimeException | LinkageError e) {
            // Not glibc (or no JNA): libtorch then spins as it always did.
        }
    }
}
