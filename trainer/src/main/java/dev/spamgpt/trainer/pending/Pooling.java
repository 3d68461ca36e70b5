package dev.spamgpt.trainer.pending;

import java.util.Locale;

/** Stand-in for {@code dev.spamgpt.core.inference.Pooling}. */
public enum Pooling {
    /** Pad per batch, read the last real token. */
    LAST_TOKEN("last-token"),
    /** Pad to a fixed length with 50256, read the last position. */
    BOOK("book");

    private final String id;

    Pooling(String id) {
        this.id = id;
    }

    /** @return the manifest/CLI name */
    public String id() {
        return id;
    }

    /**
     * @param id a name
     * @return the pooling
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
