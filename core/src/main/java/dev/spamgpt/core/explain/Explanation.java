package dev.spamgpt.core.explain;

import java.util.List;

/** A text's score and the spans that moved it most, each way. */
public final class Explanation {

    /** A run of words of the text and what it does to the score. */
    public static final class Span {
        private final String text;
        private final int start;
        private final int end;
        private final float contribution;

        Span(String text, int start, int end, float contribution) {
            this.text = text;
            this.start = start;
            this.end = end;
            this.contribution = contribution;
        }

        /**
         * @return the words, as in the text
         */
        public String text() {
            return text;
        }

        /**
         * @return the first character's index in the text
         */
        public int start() {
            return start;
        }

        /**
         * @return the index after the last character
         */
        public int end() {
            return end;
        }

        /**
         * @return the text's spam log-odds minus the log-odds without this span: positive raised
         *     the spam probability, negative lowered it
         */
        public float contribution() {
            return contribution;
        }
    }

    private final float score;
    private final float logOdds;
    private final List<Span> raising;
    private final List<Span> lowering;
    private final int spans;

    Explanation(float score, float logOdds, List<Span> raising, List<Span> lowering, int spans) {
        this.score = score;
        this.logOdds = logOdds;
        this.raising = List.copyOf(raising);
        this.lowering = List.copyOf(lowering);
        this.spans = spans;
    }

    /**
     * @return the spam probability of the whole text
     */
    public float score() {
        return score;
    }

    /**
     * @return the spam log-odds of the whole text
     */
    public float logOdds() {
        return logOdds;
    }

    /**
     * @return the spans that raised the score most, largest first
     */
    public List<Span> raising() {
        return raising;
    }

    /**
     * @return the spans that lowered the score most, largest drop first
     */
    public List<Span> lowering() {
        return lowering;
    }

    /**
     * @return how many spans were measured
     */
    public int spans() {
        return spans;
    }
}
