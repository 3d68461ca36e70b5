package dev.spamgpt.core.text;

/** The bytes a lenient transfer decoder kept, and whether it had to skip or keep damage. */
final class DecodedBytes {
    final byte[] bytes;
    final boolean damaged;

    DecodedBytes(byte[] bytes, boolean damaged) {
        this.bytes = bytes;
        this.damaged = damaged;
    }
}
