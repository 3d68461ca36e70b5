package dev.spamgpt.mailet;

import dev.spamgpt.core.inference.SpamScorer;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches every recipient of a mail whose SpamGPT score is at or above the threshold given as the
 * condition. The score is the {@code org.apache.james.spamgpt.score} attribute that {@link
 * SpamGptClassifier} set earlier in the pipeline; with a {@code model=} option the matcher loads
 * that bundle and scores mails that carry no score yet (and stores the score for the next matcher).
 * Without a score and without a model nothing matches.
 *
 * <p>The condition is {@code threshold[,model=PATH][,attribute=NAME]}. When the matcher scores a
 * mail itself, whatever that mail makes go wrong while it is read or scored (a {@link
 * StackOverflowError} from hostile MIME included) is counted and logged once as an {@code error}
 * verdict, and the mail does not match. Only a model that times out or is shut down throws a {@link
 * MessagingException}, so that James's {@code onMatchException} decides; a {@link
 * VirtualMachineError} other than {@code StackOverflowError} is rethrown as is.
 *
 * <pre>{@code
 * <mailet match="IsSpamGpt=0.9" class="ToRepository">
 *     <repositoryPath>file://var/mail/spam-sure/</repositoryPath>
 * </mailet>
 * <mailet match="IsSpamGpt=0.8,model=/root/conf/spamgpt-bundle" class="WithStorageDirective">
 *     <targetFolderName>Spam</targetFolderName>
 * </mailet>
 * }</pre>
 */
public class IsSpamGpt extends GenericMatcher {

    private final ScorerFactory scorerFactory;

    private double threshold;
    private AttributeName scoreAttribute;
    private Optional<SpamGptEngine> engine = Optional.empty();

    /** The matcher with the real SpamGPT classifier; James calls this one. */
    public IsSpamGpt() {
        this(ScorerFactory.CLASSIFIER);
    }

    IsSpamGpt(ScorerFactory scorerFactory) {
        this.scorerFactory = scorerFactory;
    }

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition().trim();
        String[] parts = condition.split(",");
        threshold = parseThreshold(parts[0].trim());
        scoreAttribute = AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE);
        SpamGptEngine.Settings settings = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq).trim();
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (value.isEmpty()) {
                throw new MessagingException(
                        "IsSpamGpt option '" + part + "' needs a value, as in model=/path");
            }
            if ("model".equals(key)) {
                settings = new SpamGptEngine.Settings();
                settings.model = value;
                settings.classifier = settings.classifier.withThreshold((float) threshold);
                settings.instance = getMatcherName();
            } else if ("attribute".equals(key)) {
                scoreAttribute = AttributeName.of(value);
            } else {
                throw new MessagingException(
                        "IsSpamGpt knows the options model= and attribute=, not '" + key + "'");
            }
        }
        engine =
                settings == null
                        ? Optional.empty()
                        : Optional.of(SpamGptEngine.start(settings, scorerFactory));
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Optional<Double> score =
                mail.getAttribute(scoreAttribute)
                        .flatMap(attribute -> attribute.getValue().valueAs(Number.class))
                        .map(Number::doubleValue);
        if (score.isEmpty() && engine.isPresent()) {
            score = scoreItself(mail, engine.get());
        }
        if (score.isPresent() && SpamScorer.isSpam(score.get(), threshold)) {
            return mail.getRecipients();
        }
        return Collections.emptyList();
    }

    @Override
    public void destroy() {
        engine.ifPresent(SpamGptEngine::close);
        engine = Optional.empty();
    }

    @Override
    public String getMatcherInfo() {
        return "SpamGPT score at or above a threshold";
    }

    private Optional<Double> scoreItself(Mail mail, SpamGptEngine engine)
            throws MessagingException {
        try {
            Verdict verdict = engine.classify(mail);
            if (verdict.score().isEmpty()) {
                return Optional.empty();
            }
            double score = verdict.score().getAsDouble();
            mail.setAttribute(new Attribute(scoreAttribute, AttributeValue.of(score)));
            return Optional.of(score);
        } catch (SpamGptEngine.ScoringFailure e) {
            throw new MessagingException(
                    "SpamGPT could not score mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    private static double parseThreshold(String value) throws MessagingException {
        try {
            double t = Double.parseDouble(value);
            if (t >= 0 && t <= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MessagingException(
                "IsSpamGpt needs a threshold in [0, 1] as its condition, as in"
                        + " IsSpamGpt=0.8; got '"
                        + value
                        + "'");
    }
}
