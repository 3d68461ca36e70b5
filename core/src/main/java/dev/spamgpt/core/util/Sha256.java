package dev.spamgpt.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests as lower-case hex, computed in a streaming way so large files stay cheap. */
public final class Sha256 {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int BUFFER = 1 << 16;

    private Sha256() {}

    /**
     * Returns the SHA-256 of a file, read in chunks.
     *
     * @param file the file
     * @return 64 lower-case hex characters
     * @throws IOException if the file cannot be read
     */
    public static String ofFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ofStream(in);
        }
    }

    /**
     * Returns the SHA-256 of everything left in a stream; the stream is not closed.
     *
     * @param in the stream
     * @return 64 lower-case hex characters
     * @throws IOException if the stream fails
     */
    public static String ofStream(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) != -1) {
            digest.update(buffer, 0, n);
        }
        return hex(digest.digest());
    }

    /**
     * Returns the SHA-256 of a byte array.
     *
     * @param bytes the bytes
     * @return 64 lower-case hex characters
     */
    public static String ofBytes(byte[] bytes) {
        return hex(newDigest().digest(bytes));
    }

    /**
     * Returns a fresh SHA-256 {@link MessageDigest}, for callers that hash as they write.
     *
     * @return the digest
     */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    /**
     * Formats bytes as lower-case hex.
     *
     * @param bytes the bytes, usually a digest
     * @return two hex characters per byte
     */
    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
