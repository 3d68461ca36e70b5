package dev.spamgpt.streams.topology;

/** The {@code email} value format: raw RFC 822 through the MIME extraction shared with core. */
final class MimeExtraction {

    private MimeExtraction() {
    }

    static Extraction extract(byte[] value) {
        // TEMPORARY until dev.spamgpt.core.text.MessageText lands on main.
        throw new UnsupportedOperationException("email format not wired yet");
    }
}
