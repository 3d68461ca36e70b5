package dev.spamgpt.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spamgpt.core.util.TempFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length, a
 * JSON header naming each tensor's dtype, shape and byte range, then the raw data.
 *
 * <p>Reading checks the header against the file before any tensor is touched, so a truncated or
 * corrupt file fails with a message naming the file and the tensor. F32, F16 and BF16 tensors are
 * all returned as F32 (DJL's PyTorch engine cannot hold BF16 arrays safely).
 */
public final class Safetensors implements AutoCloseable {

    /** Refuse headers larger than this: a real one for GPT-2 XL is about 60 KB. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private Safetensors(
            Path file,
            FileChannel channel,
            long dataStart,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Where one tensor lives in the file. */
    public static final class TensorInfo {
        private final String name;
        private final String dtype;
        private final Shape shape;
        private final long begin;
        private final long end;

        TensorInfo(String name, String dtype, Shape shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }

        /**
         * @return the tensor name
         */
        public String name() {
            return name;
        }

        /**
         * @return the safetensors dtype, such as {@code F32}
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
    }

    /**
     * Opens a file and validates its header.
     *
     * @param file the {@code .safetensors} file
     * @return the open file; close it when done
     * @throws IOException if the file cannot be read or is not valid safetensors
     */
    public static Safetensors open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw corrupt(
                        file,
                        "it is " + size + " bytes long, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw corrupt(
                        file,
                        "the header length "
                                + headerLength
                                + " does not fit in a file of "
                                + size
                                + " bytes (truncated or not a safetensors file)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                String why = e.getOriginalMessage();
                if (why != null && why.startsWith("Duplicate field")) {
                    // Jackson would otherwise keep the last of two entries without a word.
                    throw corrupt(
                            file,
                            "its header names a key twice ("
                                    + why
                                    + "); each tensor"
                                    + " and each field of a tensor must appear once");
                }
                throw corrupt(file, "its JSON header does not parse: " + why);
            }
            if (header == null || !header.isObject()) {
                throw corrupt(file, "its header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                if ("__metadata__".equals(e.getKey())) {
                    e.getValue()
                            .fields()
                            .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), parseInfo(file, e.getKey(), e.getValue(), dataLength));
            }
            checkLayout(file, tensors.values(), dataLength);
            return new Safetensors(
                    file,
                    channel,
                    dataStart,
                    Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static TensorInfo parseInfo(Path file, String name, JsonNode node, long dataLength)
            throws IOException {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null
                || !dtype.isTextual()
                || shape == null
                || !shape.isArray()
                || offsets == null
                || !offsets.isArray()
                || offsets.size() != 2) {
            throw corrupt(
                    file, "tensor '" + name + "' lacks dtype, shape or data_offsets [begin, end]");
        }
        int width = byteWidth(dtype.asText());
        if (width < 0) {
            throw corrupt(
                    file,
                    "tensor '"
                            + name
                            + "' has the unknown dtype "
                            + dtype
                            + ", so its size"
                            + " cannot be checked");
        }
        long[] dims = new long[shape.size()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = wholeNumber(file, name, "dimension", shape.get(i));
            try {
                count = Math.multiplyExact(count, dims[i]);
            } catch (ArithmeticException e) {
                throw corrupt(
                        file,
                        "tensor '" + name + "' has the shape " + shape + ", over 2^63 values");
            }
        }
        long begin = wholeNumber(file, name, "data offset", offsets.get(0));
        long end = wholeNumber(file, name, "data offset", offsets.get(1));
        if (end < begin || end > dataLength) {
            throw corrupt(
                    file,
                    "tensor '"
                            + name
                            + "' claims bytes "
                            + begin
                            + ".."
                            + end
                            + " but the data section has "
                            + dataLength
                            + " bytes (truncated file?)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(count, (long) width);
        } catch (ArithmeticException e) {
            throw corrupt(
                    file, "tensor '" + name + "' has the shape " + shape + ", over 2^63 bytes");
        }
        if (end - begin != bytes) {
            throw corrupt(
                    file,
                    "tensor '"
                            + name
                            + "' has "
                            + (end - begin)
                            + " bytes, its shape "
                            + new Shape(dims)
                            + " and dtype "
                            + dtype.asText()
                            + " need "
                            + bytes);
        }
        return new TensorInfo(name, dtype.asText(), new Shape(dims), begin, end);
    }

    /** A JSON integer from 0 to Long.MAX_VALUE: asLong() would turn 2.5 into 2 and "7" into 7. */
    private static long wholeNumber(Path file, String tensor, String what, JsonNode node)
            throws IOException {
        if (node == null
                || !node.isIntegralNumber()
                || !node.canConvertToLong()
                || node.asLong() < 0) {
            throw corrupt(
                    file,
                    "tensor '"
                            + tensor
                            + "' has the "
                            + what
                            + " "
                            + node
                            + ", not a whole number from 0 to 2^63-1");
        }
        return node.asLong();
    }

    /**
     * Like the reference implementation, the tensors must tile the data section exactly: no overlap
     * (two names for the same bytes, or bytes shared by two tensors) and no hole (room for data no
     * tensor accounts for, such as a second file hidden in the first).
     */
    private static void checkLayout(Path file, Collection<TensorInfo> tensors, long dataLength)
            throws IOException {
        List<TensorInfo> byPlace = new ArrayList<>(tensors);
        byPlace.sort(
                Comparator.comparingLong((TensorInfo t) -> t.begin).thenComparingLong(t -> t.end));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byPlace) {
            if (t.begin < covered) {
                throw corrupt(
                        file,
                        "tensors '"
                                + previous.name
                                + "' (bytes "
                                + previous.begin
                                + ".."
                                + previous.end
                                + ") and '"
                                + t.name
                                + "' (bytes "
                                + t.begin
                                + ".."
                                + t.end
                                + ") overlap");
            }
            if (t.begin > covered) {
                throw corrupt(
                        file,
                        "no tensor holds the data bytes "
                                + covered
                                + ".."
                                + t.begin
                                + (previous == null
                                        ? ""
                                        : " between '" + previous.name + "' and '" + t.name + "'")
                                + "; the format allows no gaps");
            }
            covered = t.end;
            if (t.end > t.begin) {
                previous = t;
            }
        }
        if (covered != dataLength) {
            throw corrupt(
                    file,
                    "no tensor holds the data bytes "
                            + covered
                            + ".."
                            + dataLength
                            + " at the end of the file; the format allows no trailing data");
        }
    }

    /**
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * @return every tensor's place, in header order
     */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /**
     * @return the {@code __metadata__} strings of the header
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads one tensor as F32.
     *
     * @param name the tensor name
     * @param manager owns the new array
     * @return the tensor, converted to F32
     * @throws IOException if the tensor is missing, of an unsupported dtype, or unreadable
     */
    public NDArray read(String name, NDManager manager) throws IOException {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IOException(file + " has no tensor '" + name + "'");
        }
        return manager.create(readFloats(info), info.shape);
    }

    /**
     * Reads one tensor as a Java float array.
     *
     * @param info the tensor, from {@link #tensors()}
     * @return its values in row-major order
     * @throws IOException if the dtype is unsupported or the bytes cannot be read
     */
    public float[] readFloats(TensorInfo info) throws IOException {
        long bytes = info.end - info.begin;
        if (bytes > Integer.MAX_VALUE) {
            throw new IOException("tensor '" + info.name + "' in " + file + " is over 2 GiB");
        }
        MappedByteBuffer map =
                channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin, bytes);
        map.order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) info.shape.size();
        float[] out = new float[n];
        switch (info.dtype) {
            case "F32":
                map.asFloatBuffer().get(out);
                break;
            case "F16":
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(map.getShort(2 * i));
                }
                break;
            case "BF16":
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((map.getShort(2 * i) & 0xffff) << 16);
                }
                break;
            default:
                throw new IOException(
                        "tensor '"
                                + info.name
                                + "' in "
                                + file
                                + " has dtype "
                                + info.dtype
                                + "; only F32, F16 and BF16 are supported");
        }
        return out;
    }

    /**
     * Writes F32 tensors to a file, atomically (a temporary file renamed into place).
     *
     * @param file the target
     * @param tensors name to array, written in map order
     * @param metadata strings for the {@code __metadata__} entry; may be empty
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            data.put(
                    e.getKey(),
                    a.getDataType() == DataType.FLOAT32
                            ? a.toFloatArray()
                            : a.toType(DataType.FLOAT32, false).toFloatArray());
            shapes.put(e.getKey(), a.getShape());
        }
        writeFloats(file, data, shapes, metadata);
    }

    /**
     * Writes F32 tensors given as Java arrays.
     *
     * @param file the target
     * @param data name to values, written in map order
     * @param shapes name to shape
     * @param metadata strings for the {@code __metadata__} entry; may be empty
     * @throws IOException if the file cannot be written
     */
    public static void writeFloats(
            Path file,
            Map<String, float[]> data,
            Map<String, Shape> shapes,
            Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, float[]> e : data.entrySet()) {
            Shape shape = shapes.get(e.getKey());
            if (shape == null || shape.size() != e.getValue().length) {
                throw new IllegalArgumentException(
                        "shape of '" + e.getKey() + "' does not match its data");
            }
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            fillArray(t.putArray("shape"), shape.getShape());
            long bytes = 4L * e.getValue().length;
            fillArray(t.putArray("data_offsets"), new long[] {offset, offset + bytes});
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // the format aligns the data section to 8 bytes
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = TempFiles.sibling(file);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded).put(json);
                while (head.hasRemaining()) {
                    head.put((byte) ' ');
                }
                out.write(head.array());
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                FloatBuffer floats = chunk.asFloatBuffer();
                for (float[] values : data.values()) {
                    for (int i = 0; i < values.length; i += floats.capacity()) {
                        int n = Math.min(floats.capacity(), values.length - i);
                        floats.clear();
                        floats.put(values, i, n);
                        out.write(chunk.array(), 0, 4 * n);
                    }
                }
            }
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static int byteWidth(String dtype) {
        switch (dtype) {
            case "F64":
            case "I64":
            case "U64":
                return 8;
            case "F32":
            case "I32":
            case "U32":
                return 4;
            case "F16":
            case "BF16":
            case "I16":
            case "U16":
                return 2;
            case "I8":
            case "U8":
            case "BOOL":
            case "F8_E4M3":
            case "F8_E5M2":
                return 1;
            default:
                return -1;
        }
    }

    /** IEEE 754 half precision to single, subnormals and infinities included. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f; // mant * 2^-24
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static IOException corrupt(Path file, String why) {
        return new IOException(file + " is not a valid safetensors file: " + why);
    }

    private static void fillArray(ArrayNode node, long[] values) {
        for (long v : values) {
            node.add(v);
        }
    }
}
