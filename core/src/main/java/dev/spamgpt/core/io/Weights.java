package dev.spamgpt.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Moves weights between safetensors files and a model's named parameters. */
public final class Weights {

    private Weights() {}

    /**
     * Copies every parameter's tensor from a file into the (initialised) parameter arrays.
     *
     * @param file the open safetensors file
     * @param params model name to parameter, such as {@code Gpt2Model.namedParameters()}
     * @param toFileKey maps a model name to the file's key (identity for bundles)
     * @throws IOException naming the tensor that is missing, of the wrong shape or unreadable
     */
    public static void copyInto(Safetensors file, Map<String, Parameter> params,
            UnaryOperator<String> toFileKey) throws IOException {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String key = toFileKey.apply(e.getKey());
            Safetensors.TensorInfo info = file.tensors().get(key);
            if (info == null) {
                throw new IOException(file.file() + " lacks the tensor '" + key + "'");
            }
            NDArray target = e.getValue().getArray();
            Shape expected = target.getShape();
            if (!expected.equals(info.shape())) {
                throw new IOException("tensor '" + key + "' in " + file.file() + " has shape "
                        + info.shape() + ", the model expects " + expected);
            }
            target.set(FloatBuffer.wrap(file.readFloats(info)));
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
