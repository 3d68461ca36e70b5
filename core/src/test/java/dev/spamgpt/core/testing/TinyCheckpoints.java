package dev.spamgpt.core.testing;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Writes small Hugging Face GPT-2 folders ({@code config.json} + {@code model.safetensors}) with
 * seeded random weights, in every layout the loader must accept: keys with or without the {@code
 * transformer.} prefix, with or without {@code lm_head.weight}, with or without the {@code
 * attn.bias} / {@code attn.masked_bias} buffers, stored as F32, F16 or BF16.
 *
 * <pre>{@code
 * Path folder = TinyCheckpoints.write(tmp, TinyCheckpoints.options().prefix(true).dtype("BF16"));
 * }</pre>
 *
 * <p>{@link #weights} returns the values after rounding to the stored dtype, so a test can compare
 * a loaded model with them exactly. No engine is needed to write a checkpoint.
 */
public final class TinyCheckpoints {

    /** A small GPT-2 with the full vocabulary (about 1.6 MB as F32). */
    public static final GptConfig TINY =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 32, 8, 2, 2, 1e-5f, 0f);

    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyCheckpoints() {}

    /** What to write; every setter returns {@code this}. */
    public static final class Options {
        private GptConfig config = TINY;
        private long seed = 1;
        private boolean prefix;
        private boolean lmHead;
        private boolean maskBuffers;
        private String dtype = "F32";

        /**
         * @param value the architecture (default {@link #TINY}) @return this
         */
        public Options config(GptConfig value) {
            this.config = value;
            return this;
        }

        /**
         * @param value the weights' seed (default 1) @return this
         */
        public Options seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param value write {@code transformer.}-prefixed keys, like GPT2LMHeadModel @return this
         */
        public Options prefix(boolean value) {
            this.prefix = value;
            return this;
        }

        /**
         * @param value also write a tied {@code lm_head.weight} (a copy of wte) @return this
         */
        public Options lmHead(boolean value) {
            this.lmHead = value;
            return this;
        }

        /**
         * @param value also write the {@code h.N.attn.bias} and {@code masked_bias} buffers @return
         *     this
         */
        public Options maskBuffers(boolean value) {
            this.maskBuffers = value;
            return this;
        }

        /**
         * @param value {@code F32}, {@code F16} or {@code BF16} @return this
         */
        public Options dtype(String value) {
            String d = value.toUpperCase(Locale.ROOT);
            if (!d.equals("F32") && !d.equals("F16") && !d.equals("BF16")) {
                throw new IllegalArgumentException("dtype must be F32, F16 or BF16, got " + value);
            }
            this.dtype = d;
            return this;
        }

        /**
         * @return the architecture
         */
        public GptConfig config() {
            return config;
        }

        /**
         * @return the seed
         */
        public long seed() {
            return seed;
        }

        /**
         * @return the dtype
         */
        public String dtype() {
            return dtype;
        }

        /**
         * @return a description for test names
         */
        @Override
        public String toString() {
            return dtype
                    + (prefix ? " transformer." : " bare")
                    + (lmHead ? " +lm_head" : "")
                    + (maskBuffers ? " +buffers" : "");
        }
    }

    /**
     * @return default options: {@link #TINY}, seed 1, F32, bare keys, no head, no buffers
     */
    public static Options options() {
        return new Options();
    }

    /**
     * Writes a checkpoint folder.
     *
     * @param folder created if needed
     * @param options what to write
     * @return {@code folder}
     */
    public static Path write(Path folder, Options options) {
        try {
            Files.createDirectories(folder);
            writeConfig(folder.resolve("config.json"), options.config);
            writeSafetensors(folder.resolve("model.safetensors"), tensors(options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }

    /**
     * Returns the tensors {@link #write} puts in {@code model.safetensors}, under their file keys;
     * tests change this map (drop, reshape or add a tensor) and write it with {@link
     * #writeSafetensors}.
     *
     * @param options what to write
     * @return file key to tensor, in file order
     */
    public static Map<String, Tensor> tensors(Options options) {
        Map<String, float[]> weights = weights(options);
        Map<String, Shape> shapes = shapes(options.config);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        String p = options.prefix ? "transformer." : "";
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            String name = e.getKey();
            tensors.put(p + name, new Tensor(options.dtype, shapes.get(name), e.getValue()));
            if (options.maskBuffers && name.endsWith(".ln_1.bias")) {
                String block = p + name.substring(0, name.length() - "ln_1.bias".length());
                tensors.put(block + "attn.bias", causalMask(options.config.contextLength()));
                tensors.put(
                        block + "attn.masked_bias",
                        new Tensor("F32", new Shape(), new float[] {-1e4f}));
            }
        }
        if (options.lmHead) {
            tensors.put(
                    "lm_head.weight",
                    new Tensor(options.dtype, shapes.get("wte.weight"), weights.get("wte.weight")));
        }
        return tensors;
    }

    /**
     * Returns the weights {@link #write} stores, already rounded to the stored dtype.
     *
     * @param options the architecture, seed and dtype
     * @return model name (no prefix) to values, in {@link Gpt2Model#namedParameters()} order
     */
    public static Map<String, float[]> weights(Options options) {
        Random random = new Random(options.seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e :
                new Gpt2Model(options.config).namedParameters().entrySet()) {
            float[] v = new float[Math.toIntExact(e.getValue().getShape().size())];
            Parameter.Type type = e.getValue().getType();
            for (int i = 0; i < v.length; i++) {
                // LayerNorm scales near 1, everything else spread enough to give distinct logits.
                double x = random.nextGaussian() * (type == Parameter.Type.WEIGHT ? 0.3 : 0.1);
                v[i] = round(options.dtype, (float) (type == Parameter.Type.GAMMA ? 1 + x : x));
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * Returns the names and shapes of a GPT-2's weights.
     *
     * @param config the architecture
     * @return model name to shape, in checkpoint order
     */
    public static Map<String, Shape> shapes(GptConfig config) {
        Map<String, Shape> out = new LinkedHashMap<>();
        new Gpt2Model(config).namedParameters().forEach((k, v) -> out.put(k, v.getShape()));
        return out;
    }

    /** One tensor to write: values are converted to {@code dtype} on the way out. */
    public static final class Tensor {
        final String dtype;
        final Shape shape;
        final float[] values;

        /**
         * Creates the tensor.
         *
         * @param dtype {@code F32}, {@code F16} or {@code BF16}
         * @param shape its shape
         * @param values row-major values
         */
        public Tensor(String dtype, Shape shape, float[] values) {
            if (shape.size() != values.length) {
                throw new IllegalArgumentException(
                        "shape " + shape + " does not hold " + values.length + " values");
            }
            this.dtype = dtype;
            this.shape = shape;
            this.values = values;
        }

        /**
         * @return {@code F32}, {@code F16} or {@code BF16}
         */
        public String dtype() {
            return dtype;
        }

        /**
         * @return the shape
         */
        public Shape shape() {
            return shape;
        }

        /**
         * @return the values (not copied)
         */
        public float[] values() {
            return values;
        }
    }

    /**
     * Writes a safetensors file with F32, F16 or BF16 tensors (the main writer does F32 only).
     *
     * @param file the target
     * @param tensors key to tensor, written in map order
     * @throws IOException if the file cannot be written
     */
    public static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", t.dtype);
            ArrayNode shape = node.putArray("shape");
            for (long d : t.shape.getShape()) {
                shape.add(d);
            }
            long bytes = (long) t.values.length * ("F32".equals(t.dtype) ? 4 : 2);
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(head);
            for (Tensor t : tensors.values()) {
                boolean f32 = "F32".equals(t.dtype);
                ByteBuffer buf =
                        ByteBuffer.allocate(t.values.length * (f32 ? 4 : 2))
                                .order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.values) {
                    if (f32) {
                        buf.putFloat(v);
                    } else {
                        buf.putShort("F16".equals(t.dtype) ? toHalf(v) : toBfloat16(v));
                    }
                }
                out.write(buf.array());
            }
        }
    }

    /**
     * Writes a Hugging Face {@code config.json}.
     *
     * @param file the target
     * @param config the architecture
     * @throws IOException if the file cannot be written
     */
    public static void writeConfig(Path file, GptConfig config) throws IOException {
        JSON.writeValue(file.toFile(), config.toHfConfig());
    }

    /**
     * Rounds a value to what a dtype can hold (round to nearest even).
     *
     * @param dtype {@code F32}, {@code F16} or {@code BF16}
     * @param v the value
     * @return the nearest value of that dtype, as a float
     */
    public static float round(String dtype, float v) {
        switch (dtype) {
            case "F16":
                return fromHalf(toHalf(v));
            case "BF16":
                return Float.intBitsToFloat((toBfloat16(v) & 0xffff) << 16);
            default:
                return v;
        }
    }

    private static Tensor causalMask(int n) {
        float[] mask = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                mask[i * n + j] = 1f;
            }
        }
        return new Tensor("F32", new Shape(1, 1, n, n), mask);
    }

    static short toBfloat16(float v) {
        int bits = Float.floatToIntBits(v);
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** float to IEEE half, round to nearest even; the test weights stay far from overflow. */
    static short toHalf(float v) {
        int bits = Float.floatToIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = bits & 0x7fffff;
        if (exp >= 0x1f) {
            throw new IllegalArgumentException(v + " does not fit in F16");
        }
        if (exp <= 0) { // subnormal half
            if (exp < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - exp;
            int half = mant >>> shift;
            int rest = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is still the right answer
        }
        return (short) (sign | half);
    }

    static float fromHalf(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
