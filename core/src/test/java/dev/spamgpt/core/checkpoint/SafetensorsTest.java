package dev.spamgpt.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsTest {

    @TempDir Path tmp;

    @Test
    void openShouldReadBackWhatWriteFloatsWrote() throws IOException {
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        data.put("a", new float[] {1, 2, 3, 4, 5, 6});
        shapes.put("a", new Shape(2, 3));
        data.put("empty", new float[0]);
        shapes.put("empty", new Shape(0, 5));
        data.put("b", new float[] {-7});
        shapes.put("b", new Shape());
        Path file = tmp.resolve("ok.safetensors");
        Safetensors.writeFloats(file, data, shapes, Map.of("format", "pt"));

        try (Safetensors st = Safetensors.open(file)) {
            assertThat(st.tensors().keySet()).containsExactly("a", "empty", "b");
            assertThat(st.tensors().get("empty").shape()).isEqualTo(new Shape(0, 5));
            assertThat(st.readFloats(st.tensors().get("a"))).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(st.readFloats(st.tensors().get("b"))).containsExactly(-7);
            assertThat(st.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void openShouldRefuseATensorNameThatAppearsTwice() throws IOException {
        Path file =
                write(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        8);

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'w'")
                .hasMessageContaining("twice");
    }

    @Test
    void openShouldRefuseTensorsWhoseBytesOverlap() throws IOException {
        Path file =
                write(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        12);

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'a'")
                .hasMessageContaining("'b'")
                .hasMessageContaining("overlap");
    }

    @Test
    void openShouldRefuseTwoTensorsOnTheSameBytes() throws IOException {
        Path file =
                write(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                        8);

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("overlap");
    }

    @Test
    void openShouldRefuseBytesThatNoTensorHolds() throws IOException {
        Path gap =
                write(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                        12);
        assertThatThrownBy(() -> Safetensors.open(gap))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(gap.toString())
                .hasMessageContaining("bytes 4..8");

        Path trailing =
                write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12);
        assertThatThrownBy(() -> Safetensors.open(trailing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(trailing.toString())
                .hasMessageContaining("bytes 4..12");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[4611686018427387904,4]",
                "[4611686018427387904]",
                "[2147483648,2147483648,4]",
                "[4294967296,4294967296]"
            })
    void openShouldRefuseAShapeWhoseByteSizeOverflows(String shape) throws IOException {
        // Each product wraps to 0 in 64 bits, which the empty byte range would match.
        Path file =
                write(
                        "{\"big\":{\"dtype\":\"F32\",\"shape\":"
                                + shape
                                + ",\"data_offsets\":[0,0]}}",
                        0);

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'big'");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"[2.5]", "[\"2\"]", "[true]", "[-2]", "[1e30]", "[18446744073709551616]"})
    void openShouldRefuseADimensionThatIsNotANonNegativeWholeNumber(String shape)
            throws IOException {
        Path file =
                write(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":"
                                + shape
                                + ",\"data_offsets\":[0,8]}}",
                        8);

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'w'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[0,8.5]", "[0.5,8]", "[\"0\",8]", "[0,8,12]", "[-4,4]", "[8,0]"})
    void openShouldRefuseMalformedDataOffsets(String offsets) throws IOException {
        Path file =
                write(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":"
                                + offsets
                                + "}}",
                        8);

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'w'");
    }

    @Test
    void openShouldRefuseADtypeItCannotSize() throws IOException {
        Path file = write("{\"w\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'w'")
                .hasMessageContaining("F33");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE, 1L << 40, 200_000_000})
    void openShouldRefuseAHeaderLengthOutOfBounds(long headerLength) throws IOException {
        Path file = tmp.resolve("len.safetensors");
        ByteBuffer bytes =
                ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength);
        Files.write(file, bytes.array());

        assertThatThrownBy(() -> Safetensors.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("header length");
    }

    private Path write(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        Path file = Files.createTempFile(tmp, "crafted", ".safetensors");
        Files.write(file, out.array());
        return file;
    }
}
