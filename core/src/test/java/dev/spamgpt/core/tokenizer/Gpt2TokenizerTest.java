package dev.spamgpt.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Gpt2TokenizerTest {

    private final Gpt2Tokenizer tokenizer = Gpt2Tokenizer.get();

    @Test
    void encodeShouldGiveTheGpt2IdsOfTheBook() {
        assertThat(tokenizer.encode("Every effort moves you"))
                .containsExactly(6109, 3626, 6100, 345);
        assertThat(tokenizer.encode("Hello, I am")).containsExactly(15496, 11, 314, 716);
    }

    @Test
    void constantsShouldDescribeGpt2() {
        assertThat(tokenizer.vocabSize()).isEqualTo(50257);
        assertThat(Gpt2Tokenizer.END_OF_TEXT).isEqualTo(50256);
        assertThat(Gpt2Tokenizer.ID).isEqualTo("r50k_base");
        assertThat(tokenizer.decode(new int[] {Gpt2Tokenizer.END_OF_TEXT}))
                .isEqualTo("<|endoftext|>");
        assertThat(Gpt2Tokenizer.get()).isSameAs(tokenizer);
    }

    @Test
    void decodeShouldRoundTripUnicodeAndWhitespace() {
        String text =
                "WINNER!! Claim your £900 prize → call 09061701461 now 😀\n\tÀ bientôt, Привет";
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void encodeShouldTreatSpecialTokenTextAsOrdinaryText() {
        int[] ids = tokenizer.encode("hi <|endoftext|> there");

        assertThat(ids).doesNotContain(Gpt2Tokenizer.END_OF_TEXT).hasSizeGreaterThan(4);
        assertThat(tokenizer.decode(ids)).isEqualTo("hi <|endoftext|> there");
    }

    @Test
    void encodeShouldHandleEmptyText() {
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.encode("", 10)).isEmpty();
    }

    @Test
    void truncatedEncodeShouldEqualThePrefixOfTheFullEncoding() {
        Random random = new Random(123);
        String[] words = {
            "free",
            "entry",
            "in",
            "2",
            "a",
            "wkly",
            "comp",
            "to",
            "win",
            "FA",
            "Cup",
            "final",
            "tkts",
            "21st",
            "May",
            "2005.",
            "Text",
            "FA",
            "to",
            "87121",
            "£1.50",
            "?!",
            "\n",
            "  ",
            "don't",
            "I'll",
            "😀",
            "Привет",
            "...",
            "http://x.co/a?b=1",
            "\t"
        };
        for (int round = 0; round < 40; round++) {
            StringBuilder text = new StringBuilder();
            int n = random.nextInt(3000);
            for (int i = 0; i < n; i++) {
                text.append(words[random.nextInt(words.length)]);
                if (random.nextInt(4) > 0) {
                    text.append(' ');
                }
            }
            int[] full = tokenizer.encode(text.toString());
            for (int max : new int[] {1, 7, 120, 1024}) {
                assertThat(tokenizer.encode(text.toString(), max))
                        .as("round %d max %d", round, max)
                        .containsExactly(Arrays.copyOf(full, Math.min(max, full.length)));
            }
        }
    }

    @Test
    void truncatedEncodeShouldGrowThePrefixForTokenDenseText() {
        // Digits and emoji give more than one token per few characters.
        String text = "😀1😀2 ".repeat(5000);
        int[] full = tokenizer.encode(text);
        assertThat(tokenizer.encode(text, 1000)).containsExactly(Arrays.copyOf(full, 1000));
    }

    @Test
    void truncatedEncodeShouldOnlyLookAtThePrefixOfHugeText() {
        // 50 million characters; encoding all of it would take far longer than the prefix.
        String huge = "Call now to claim your prize ".repeat(1_750_000);
        assertThat(huge.length()).isGreaterThan(50_000_000);

        long start = System.nanoTime();
        int[] ids = tokenizer.encode(huge, 120);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(ids).hasSize(120);
        assertThat(ids).startsWith(tokenizer.encode("Call now to claim your prize Call"));
        // Generous: a prefix takes milliseconds, the whole string tens of seconds.
        assertThat(millis).isLessThan(5_000);
    }

    @Test
    void truncatedEncodeShouldBoundWorkEvenWithoutWhitespace() {
        String blob = "x".repeat(20_000_000);
        int[] ids = tokenizer.encode(blob, 50);
        assertThat(ids).hasSize(50);
    }

    @Test
    void shouldRejectBadArguments() {
        assertThatThrownBy(() -> tokenizer.encode("x", -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokenizer.decode(new int[] {50257}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50257");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
