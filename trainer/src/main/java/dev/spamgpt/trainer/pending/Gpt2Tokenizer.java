package dev.spamgpt.trainer.pending;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import java.util.Arrays;

/** Stand-in for {@code dev.spamgpt.core.tokenizer.Gpt2Tokenizer}. */
public final class Gpt2Tokenizer {

    /** {@code <|endoftext|>}. */
    public static final int END_OF_TEXT = 50256;
    /** Tokenizer id. */
    public static final String ID = "r50k_base";

    private static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer();
    private final Encoding encoding =
            Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    /** @return the shared instance */
    public static Gpt2Tokenizer get() {
        return INSTANCE;
    }

    /**
     * @param text text
     * @return ids
     */
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    /**
     * @param text text
     * @param maxTokens limit
     * @return at most maxTokens ids
     */
    public int[] encode(String text, int maxTokens) {
        int[] all = encode(text);
        return all.length <= maxTokens ? all : Arrays.copyOf(all, maxTokens);
    }
}
