package dev.spamgpt.streams.testing;

import java.util.List;
import java.util.Locale;

import dev.spamgpt.core.inference.SpamScorer;

/** TEMPORARY stand-in until SpamClassifier lands: spam when the text mentions a prize. */
public final class KeywordScorer implements SpamScorer {

    @Override
    public float[] spamProbabilities(List<String> texts) {
        float[] out = new float[texts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = texts.get(i).toLowerCase(Locale.ROOT).contains("prize") ? 0.9f : 0.1f;
        }
        return out;
    }

    @Override
    public float threshold() {
        return 0.5f;
    }

    @Override
    public String modelId() {
        return "keyword:1";
    }

    @Override
    public void close() {
    }
}
