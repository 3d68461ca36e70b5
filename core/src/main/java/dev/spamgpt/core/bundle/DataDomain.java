package dev.spamgpt.core.bundle;

import java.util.Locale;

/**
 * What kind of text a model was trained on. A model trained on SMS texts does not transfer to
 * e-mail, so serving warns about an {@link #SMS} bundle in a mail server.
 */
public enum DataDomain {
    /** Short text messages only, such as the UCI SMS Spam Collection. */
    SMS,
    /** E-mail only: mail folders, users' feedback, a public mail corpus. */
    MAIL,
    /** Both. */
    MIXED,
    /** Not recorded (a bundle from before the field existed) or not known to this version. */
    UNKNOWN;

    /**
     * @return the name written in {@code dataset.json} and the manifest
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name a wire name, or null
     * @return the domain, {@link #UNKNOWN} for null or an unknown name
     */
    public static DataDomain parseOrUnknown(String name) {
        if (name != null) {
            for (DataDomain domain : values()) {
                if (domain.wireName().equalsIgnoreCase(name.trim())) {
                    return domain;
                }
            }
        }
        return UNKNOWN;
    }

    /**
     * The domain of a data set made of parts of these domains.
     *
     * @param a one part's domain
     * @param b another's
     * @return their union: the same if equal, {@link #MIXED} if one is SMS and the other mail
     */
    public DataDomain and(DataDomain b) {
        if (this == b || b == UNKNOWN) {
            return this;
        }
        if (this == UNKNOWN) {
            return b;
        }
        return MIXED;
    }
}
