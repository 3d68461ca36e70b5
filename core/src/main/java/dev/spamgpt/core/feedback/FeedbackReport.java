package dev.spamgpt.core.feedback;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.spamgpt.core.util.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One user's move of one message into or out of the Spam folder: the label it teaches, the text the
 * model would read, and what the model said when the message was delivered.
 *
 * <p>The JSON form (one line per report in a folder store, one record value in Kafka) uses the
 * snake_case names of the getters. The raw message is not part of it: each store keeps it its own
 * way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "id",
    "digest",
    "label",
    "user",
    "reported_at",
    "from_mailbox",
    "to_mailbox",
    "delivery_verdict",
    "delivery_score",
    "delivery_model",
    "already_known",
    "implicit",
    "text_truncated",
    "raw_bytes",
    "text"
})
public final class FeedbackReport {

    private final String id;
    private final String digest;
    private final FeedbackLabel label;
    private final String user;
    private final String reportedAt;
    private final String fromMailbox;
    private final String toMailbox;
    private final String deliveryVerdict;
    private final Double deliveryScore;
    private final String deliveryModel;
    private final boolean alreadyKnown;
    private final boolean implicit;
    private final boolean textTruncated;
    private final long rawBytes;
    private final String text;
    private final byte[] raw;

    @JsonCreator
    FeedbackReport(
            @JsonProperty(value = "id", required = true) String id,
            @JsonProperty(value = "digest", required = true) String digest,
            @JsonProperty(value = "label", required = true) FeedbackLabel label,
            @JsonProperty(value = "user", required = true) String user,
            @JsonProperty(value = "reported_at", required = true) String reportedAt,
            @JsonProperty("from_mailbox") String fromMailbox,
            @JsonProperty("to_mailbox") String toMailbox,
            @JsonProperty("delivery_verdict") String deliveryVerdict,
            @JsonProperty("delivery_score") Double deliveryScore,
            @JsonProperty("delivery_model") String deliveryModel,
            @JsonProperty("already_known") boolean alreadyKnown,
            @JsonProperty("implicit") boolean implicit,
            @JsonProperty("text_truncated") boolean textTruncated,
            @JsonProperty("raw_bytes") long rawBytes,
            @JsonProperty(value = "text", required = true) String text) {
        this(
                id,
                digest,
                label,
                user,
                reportedAt,
                fromMailbox,
                toMailbox,
                deliveryVerdict,
                deliveryScore,
                deliveryModel,
                alreadyKnown,
                implicit,
                textTruncated,
                rawBytes,
                text,
                new byte[0]);
    }

    private FeedbackReport(
            String id,
            String digest,
            FeedbackLabel label,
            String user,
            String reportedAt,
            String fromMailbox,
            String toMailbox,
            String deliveryVerdict,
            Double deliveryScore,
            String deliveryModel,
            boolean alreadyKnown,
            boolean implicit,
            boolean textTruncated,
            long rawBytes,
            String text,
            byte[] raw) {
        this.id = requireText(id, "id");
        this.digest = requireText(digest, "digest");
        if (label == null) {
            throw new IllegalArgumentException("a feedback report needs label");
        }
        this.label = label;
        this.user = requireText(user, "user");
        this.reportedAt = requireText(reportedAt, "reported_at");
        this.fromMailbox = fromMailbox;
        this.toMailbox = toMailbox;
        this.deliveryVerdict = deliveryVerdict;
        this.deliveryScore = deliveryScore;
        this.deliveryModel = deliveryModel;
        this.alreadyKnown = alreadyKnown;
        this.implicit = implicit;
        this.textTruncated = textTruncated;
        this.rawBytes = rawBytes;
        this.text = Objects.requireNonNull(text, "text");
        this.raw = Objects.requireNonNull(raw, "raw");
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a feedback report needs " + name);
        }
        return value;
    }

    /**
     * The digest that identifies a message across users and stores: the SHA-256 of its extracted,
     * normalised text (what {@code MessageText} returns and the model reads), in lower-case hex.
     * Two copies of one mail in two mailboxes have the same digest.
     *
     * @param text the extracted text
     * @return the hex digest
     */
    public static String digestOf(String text) {
        return Sha256.ofBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding this report's values
     */
    public Builder toBuilder() {
        return new Builder()
                .id(id)
                .digest(digest)
                .label(label)
                .user(user)
                .reportedAt(reportedAt)
                .fromMailbox(fromMailbox)
                .toMailbox(toMailbox)
                .deliveryVerdict(deliveryVerdict)
                .deliveryScore(deliveryScore)
                .deliveryModel(deliveryModel)
                .alreadyKnown(alreadyKnown)
                .textTruncated(textTruncated)
                .rawBytes(rawBytes)
                .text(text)
                .raw(raw);
    }

    /** Stable across retries of one event: a store keeps each id once. */
    @JsonProperty("id")
    public String id() {
        return id;
    }

    /** See {@link #digestOf(String)}. */
    @JsonProperty("digest")
    public String digest() {
        return digest;
    }

    @JsonProperty("label")
    public FeedbackLabel label() {
        return label;
    }

    /** The mailbox owner, as given or hashed ({@code sha256:<hex>}), as the listener is set. */
    @JsonProperty("user")
    public String user() {
        return user;
    }

    /** ISO-8601 instant of the move. */
    @JsonProperty("reported_at")
    public String reportedAt() {
        return reportedAt;
    }

    @JsonProperty("from_mailbox")
    public String fromMailbox() {
        return fromMailbox;
    }

    @JsonProperty("to_mailbox")
    public String toMailbox() {
        return toMailbox;
    }

    /** {@code spam}, {@code ham}, {@code error} or {@code skipped}; null if never scored. */
    @JsonProperty("delivery_verdict")
    public String deliveryVerdict() {
        return deliveryVerdict;
    }

    @JsonProperty("delivery_score")
    public Double deliveryScore() {
        return deliveryScore;
    }

    /** The bundle that scored the message at delivery ({@code id/version}), or null. */
    @JsonProperty("delivery_model")
    public String deliveryModel() {
        return deliveryModel;
    }

    /** True when the delivery verdict already said what the label says: nothing new to learn. */
    @JsonProperty("already_known")
    public boolean alreadyKnown() {
        return alreadyKnown;
    }

    /**
     * True for an implicit ham report: nobody moved the message, it stayed in the inbox long enough
     * to count as ham. A user's own move outranks it.
     */
    @JsonProperty("implicit")
    public boolean implicit() {
        return implicit;
    }

    /** True when the raw message was longer than the cap and only its start was kept. */
    @JsonProperty("text_truncated")
    public boolean textTruncated() {
        return textTruncated;
    }

    /** Size of the whole message as stored in the mailbox, before any cap. */
    @JsonProperty("raw_bytes")
    public long rawBytes() {
        return rawBytes;
    }

    @JsonProperty("text")
    public String text() {
        return text;
    }

    /** The raw message, capped; empty when not stored or not loaded. Not a copy: do not modify. */
    @JsonIgnore
    public byte[] raw() {
        return raw;
    }

    @Override
    public String toString() {
        return "FeedbackReport{" + id + ", " + label.wireName() + ", " + digest + ", " + user + "}";
    }

    /** Builds a {@link FeedbackReport}; {@link #build()} checks the required fields. */
    public static final class Builder {
        private String id;
        private String digest;
        private FeedbackLabel label;
        private String user;
        private String reportedAt;
        private String fromMailbox;
        private String toMailbox;
        private String deliveryVerdict;
        private Double deliveryScore;
        private String deliveryModel;
        private boolean alreadyKnown;
        private boolean implicit;
        private boolean textTruncated;
        private long rawBytes;
        private String text;
        private byte[] raw = new byte[0];

        private Builder() {}

        public Builder id(String value) {
            this.id = value;
            return this;
        }

        public Builder digest(String value) {
            this.digest = value;
            return this;
        }

        public Builder label(FeedbackLabel value) {
            this.label = value;
            return this;
        }

        public Builder user(String value) {
            this.user = value;
            return this;
        }

        public Builder reportedAt(String value) {
            this.reportedAt = value;
            return this;
        }

        public Builder fromMailbox(String value) {
            this.fromMailbox = value;
            return this;
        }

        public Builder toMailbox(String value) {
            this.toMailbox = value;
            return this;
        }

        public Builder deliveryVerdict(String value) {
            this.deliveryVerdict = value;
            return this;
        }

        public Builder deliveryScore(Double value) {
            this.deliveryScore = value;
            return this;
        }

        public Builder deliveryModel(String value) {
            this.deliveryModel = value;
            return this;
        }

        public Builder alreadyKnown(boolean value) {
            this.alreadyKnown = value;
            return this;
        }

        public Builder implicit(boolean value) {
            this.implicit = value;
            return this;
        }

        public Builder textTruncated(boolean value) {
            this.textTruncated = value;
            return this;
        }

        public Builder rawBytes(long value) {
            this.rawBytes = value;
            return this;
        }

        /** Sets the text and, unless set already, its {@link #digestOf digest}. */
        public Builder text(String value) {
            this.text = value;
            if (digest == null && value != null) {
                this.digest = digestOf(value);
            }
            return this;
        }

        public Builder raw(byte[] value) {
            this.raw = value == null ? new byte[0] : value;
            return this;
        }

        /**
         * @return the report
         * @throws IllegalArgumentException if id, digest, label, user, time or text is missing
         */
        public FeedbackReport build() {
            return new FeedbackReport(
                    id,
                    digest,
                    label,
                    user,
                    reportedAt,
                    fromMailbox,
                    toMailbox,
                    deliveryVerdict,
                    deliveryScore,
                    deliveryModel,
                    alreadyKnown,
                    implicit,
                    textTruncated,
                    rawBytes,
                    text,
                    raw);
        }
    }
}
