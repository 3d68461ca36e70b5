package dev.spamgpt.core.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * The GPT-2 byte-level BPE tokenizer: OpenAI's {@code r50k_base} through jtokkit, the same ids as
 * Hugging Face's {@code gpt2} tokenizer and tiktoken's {@code gpt2}.
 *
 * <p>User text is always encoded as ordinary text: the characters {@code <|endoftext|>} inside a
 * message become ordinary tokens, never the special token {@link #END_OF_TEXT}, so a message cannot
 * forge the padding token. The shared instance from {@link #get()} is thread-safe.
 */
public final class Gpt2Tokenizer {

    /** The id of {@code <|endoftext|>}, also the padding token of the classifier. */
    public static final int END_OF_TEXT = 50256;

    /** The tokenizer id stored in model bundles. */
    public static final String ID = "r50k_base";

    private static final int VOCAB_SIZE = 50257;
    // Upper bound on characters per token: the longest r50k token is well under this, so a
    // prefix of maxTokens * CHARS_PER_TOKEN_BOUND characters always yields maxTokens tokens.
    private static final int CHARS_PER_TOKEN_BOUND = 128;
    private static final int INITIAL_CHARS_PER_TOKEN = 8;
    private static final int MIN_PREFIX = 256;

    private static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer();

    // jtokkit encodings are immutable and safe to share across threads.
    private final Encoding encoding;

    private Gpt2Tokenizer() {
        this.encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    }

    /**
     * Returns the shared tokenizer; the vocabulary is loaded once.
     *
     * @return the tokenizer
     */
    public static Gpt2Tokenizer get() {
        return INSTANCE;
    }

    /**
     * Encodes text; special-token text is encoded as ordinary characters.
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    /**
     * Encodes the start of a text into at most {@code maxTokens} tokens, with work bounded by
     * {@code maxTokens} rather than by the length of the text: only a character prefix is
     * tokenized, grown if it turns out too short.
     *
     * <p>The prefix is cut just before a space or newline that follows a letter or digit, where
     * GPT-2's pre-tokenizer always splits, so the result equals the first {@code maxTokens} ids of
     * {@link #encode(String)}. Only a text with no such place in a long stretch is cut mid-word;
     * then the ids next to the cut may differ from the full encoding.
     *
     * @param text the text
     * @param maxTokens the most tokens to return, at least 0
     * @return at most {@code maxTokens} token ids from the start of the text
     */
    public int[] encode(String text, int maxTokens) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        if (maxTokens == 0) {
            return new int[0];
        }
        long limit = (long) maxTokens * CHARS_PER_TOKEN_BOUND;
        long prefix = Math.max(MIN_PREFIX, (long) maxTokens * INITIAL_CHARS_PER_TOKEN);
        while (true) {
            if (prefix >= text.length()) {
                return truncate(encoding.encodeOrdinary(text), maxTokens);
            }
            int cut = cutPoint(text, (int) prefix);
            IntArrayList ids = encoding.encodeOrdinary(text.substring(0, cut));
            if (ids.size() >= maxTokens || prefix >= limit) {
                return truncate(ids, maxTokens);
            }
            prefix *= 2;
        }
    }

    /**
     * Decodes ids to text; invalid UTF-8 from partial multi-byte tokens becomes U+FFFD.
     *
     * @param ids the token ids, each in [0, {@link #vocabSize()})
     * @return the text
     * @throws IllegalArgumentException if an id is out of range
     */
    public String decode(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException(
                        "token id "
                                + id
                                + " is outside the GPT-2"
                                + " vocabulary [0, "
                                + VOCAB_SIZE
                                + ")");
            }
            list.add(id);
        }
        return encoding.decode(list);
    }

    /**
     * Returns the vocabulary size, 50257 (50,000 merges, 256 bytes and {@code <|endoftext|>}).
     *
     * @return the number of token ids
     */
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    private static int[] truncate(IntArrayList ids, int maxTokens) {
        int n = Math.min(ids.size(), maxTokens);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = ids.get(i);
        }
        return out;
    }

    /**
     * Finds a cut at or before {@code end} where the pre-tokenizer splits whatever follows: just
     * before an ASCII space or newline that comes after a letter or digit.
     */
    private static int cutPoint(String text, int end) {
        int floor = end / 2;
        for (int i = end; i > floor; i--) {
            char c = text.charAt(i);
            if ((c == ' ' || c == '\n') && Character.isLetterOrDigit(text.charAt(i - 1))) {
                return i;
            }
        }
        // No safe place: cut mid-piece, but never inside a surrogate pair.
        return Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
    }
}
