package dev.spamgpt.core.inference;

import java.util.Locale;

/** Which position of a sequence the classifier head reads. */
public enum Pooling {
    /**
     * Pad each batch only to its own longest sequence and read each sequence's last real token.
     * With causal attention that output equals the unpadded one.
     */
    LAST_TOKEN("last-token"),
    /**
     * The book's method: pad every sequence with {@code <|endoftext|>} to one fixed length (the
     * longest training example) and read the last position.
     */
    BOOK("book");

    private final String id;

    Pooling(String id) {
        this.id = id;
    }

    /**
     * @return the name used in manifests and on the command line
     */
    public String id() {
        return id;
    }

    /**
     * Parses a name.
     *
     * @param id {@code last-token} or {@code book}
     * @return the pooling
     * @throws IllegalArgumentException for another name
     */
    public static Pooling of(String id) {
        for (Pooling p : values()) {
            if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pooling '" + id + "': use last-token or book");
    }
}
