package dev.spamgpt.streams.topology;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ShadowScorer;
import java.util.Objects;

/**
 * The models the filter scores with: the live one, which may be swapped while the filter runs, and
 * an optional shadow, which only collects evidence.
 *
 * @param live the model that routes
 * @param shadow the shadow model, or null
 * @param shadowHeader whether records carry {@code spam.shadow.score} when the shadow answered
 *     within its share of the live call's time
 */
public record Models(LiveModel live, ShadowScorer shadow, boolean shadowHeader) {

    /** Checks the live model is there. */
    public Models {
        Objects.requireNonNull(live, "live");
    }

    /**
     * One fixed model and no shadow, owned by the caller (it is never closed through this).
     *
     * @param scorer the model
     * @return the models
     */
    public static Models of(SpamScorer scorer) {
        return new Models(new LiveModel(scorer), null, false);
    }
}
