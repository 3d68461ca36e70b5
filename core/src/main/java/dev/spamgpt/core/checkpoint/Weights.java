package dev.spamgpt.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Moves weights between safetensors files and a model's named parameters. */
public final class Weights {

    private Weights() {}

    /**
     * Initialises a model with tensors from a file instead of random values. The parameters' shapes
     * are fixed by the config, so DJL's {@code setArray} refuses them; an initializer that returns
     * the file's tensor fills each one without a random pass. The original initializers are put
     * back afterwards.
     *
     * @param model the uninitialised model
     * @param params its parameters by name
     * @param tensors for each parameter name, the file's tensor, already checked for shape
     * @param file the open safetensors file
     * @param manager owns the weights; on failure nothing is left in it
     * @throws IOException if a tensor cannot be read
     */
    public static void initializeFrom(
            Block model,
            Map<String, Parameter> params,
            Map<String, Safetensors.TensorInfo> tensors,
            Safetensors file,
            NDManager manager)
            throws IOException {
        Map<String, Initializer> originals = new LinkedHashMap<>();
        try (NDManager loading = manager.newSubManager()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Safetensors.TensorInfo info = tensors.get(e.getKey());
                originals.put(e.getKey(), e.getValue().getInitializer());
                e.getValue().setInitializer((m, shape, dataType) -> read(file, info, m));
            }
            try {
                model.initialize(loading, DataType.FLOAT32, new Shape(1, 1));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } finally {
                originals.forEach((name, init) -> params.get(name).setInitializer(init));
            }
            for (Parameter p : params.values()) {
                p.getArray().attach(manager);
            }
        }
    }

    private static NDArray read(Safetensors file, Safetensors.TensorInfo info, NDManager manager) {
        try {
            return manager.create(file.readFloats(info), info.shape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the parameter arrays under their names, for {@link Safetensors#write}.
     *
     * @param params model name to parameter
     * @return name to array, in the same order
     */
    public static Map<String, NDArray> arrays(Map<String, Parameter> params) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(name, p.getArray()));
        return out;
    }
}
