package dev.spamgpt.mailet;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.util.Failures;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies each mail with a SpamGPT model (a GPT-2 fine-tuned to tell spam from ham) and marks it
 * for every recipient the way James's own spam scanners do:
 *
 * <pre>
 * org.apache.james.spamgpt.status  Yes, score=0.97 required=0.50
 *                                  (or No, score=0.03 required=0.50)
 * org.apache.james.spamgpt.flag    YES                              (or NO)
 * org.apache.james.spamgpt.model   spamgpt-mail:3                   (the model that scored it)
 * </pre>
 *
 * The stock matcher {@code IsMarkedAsSpam} then routes the mail, and the score stays on the mail as
 * the attribute {@code org.apache.james.spamgpt.score} (a Double) for the {@link IsSpamGpt} matcher
 * or other mailets. A mail without any text is not scored ({@code No, skipped=no text}).
 *
 * <p>No single mail can stop the mailet. Whatever goes wrong while one mail is read or scored
 * (malformed or hostile MIME, a {@link StackOverflowError} from a decoder that recurses once per
 * line, the model failing on that mail's text) becomes that mail's {@code No, error=<reason>}
 * verdict: it is counted ({@code spamgpt_mails_total{verdict="error"}} and {@code
 * spamgpt_errors_total{reason="read"|"model"}}), logged once at WARN, and the mail goes on down the
 * pipeline without an exception, so it is delivered (unfiltered) like any ham.
 *
 * <p>The model is loaded once, in {@code init()}, and shared by James's spooler threads; a fixed
 * pool of inference threads runs it, so memory stays flat under load. If the model does not answer
 * within {@code timeout} (or is shut down), which says nothing about the mail, the mail is marked
 * {@code No, error=...} and the mailet throws a {@link MessagingException}: James's {@code
 * onMailetException} decides what happens next ({@code ignore} delivers the mail unfiltered, the
 * default sends it to the {@code error} processor).
 *
 * <p>A {@link VirtualMachineError} other than {@code StackOverflowError}, such as an {@link
 * OutOfMemoryError}, is not one mail's problem: it is rethrown as is (also when an inference thread
 * hit it), for James and the JVM's settings (such as {@code -XX:+ExitOnOutOfMemoryError}) to
 * handle.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.spamgpt.mailet.SpamGptClassifier">
 *     <model>/root/conf/spamgpt-bundle</model>
 *     <onMailetException>ignore</onMailetException>
 * </mailet>
 * <mailet match="IsMarkedAsSpam=org.apache.james.spamgpt.status" class="WithStorageDirective">
 *     <targetFolderName>Spam</targetFolderName>
 * </mailet>
 * }</pre>
 *
 * Parameters (all optional):
 *
 * <ul>
 *   <li>{@code model}: the bundle folder that {@code spamgpt train} exported, or a model repository
 *       that {@code spamgpt promote} keeps (its {@code current} model is served), absolute or
 *       relative to James's working directory; default {@code conf/spamgpt-bundle}.
 *   <li>{@code reloadInterval}: how often to check {@code model} for a new bundle, such as {@code
 *       10s}; a new one is loaded, verified and warmed up beside the old one, then swapped in
 *       between batches, and one that fails leaves the old model serving ({@code
 *       spamgpt_model_reload_failures_total}); {@code 0} never checks; default 10s.
 *   <li>{@code shadowModel}: a candidate bundle that scores every mail too, for evidence only: its
 *       agreement with the live model, flips each way, both score histograms and its latency go to
 *       {@code spamgpt_shadow_*}. {@code shadowShare}: the most time it may spend, as a share of
 *       the live model's; beyond it mails are skipped for the shadow and counted; default 0.25.
 *       {@code shadowHeaderName}: also write the shadow's verdict in this per-recipient header,
 *       such as {@code Yes, score=0.91 required=0.50 model=spamgpt-mail:2}, when it is ready within
 *       that share of the live time; default none.
 *   <li>{@code threshold}: a score at or above it is spam, in [0, 1]; default the bundle's.
 *   <li>{@code rejectThreshold} and {@code rejectSpamProcessor}: a second, stricter tier. A mail
 *       scoring at or above {@code rejectThreshold} (not below {@code threshold}) is sent to the
 *       processor {@code rejectSpamProcessor}, such as one that stores it in a quarantine
 *       repository or bounces it, instead of going on to the Spam folder; default none.
 *   <li>{@code statusHeaderName}, {@code flagHeaderName}, {@code modelHeaderName}: the
 *       per-recipient header names; defaults above. The feedback listener ({@link
 *       SpamGptFeedbackListener}) reads them back from the stored message, so set it the same.
 *   <li>{@code scoreAttributeName}: the mail attribute for the score; default above.
 *   <li>{@code addHeaders}: also write {@code X-Spam-Flag: YES|NO} and {@code X-Spam-Score: 0.97}
 *       into the message; default false.
 *   <li>{@code explain}: {@code none}, {@code spam} or {@code all}: for which verdicts to add an
 *       {@code X-SpamGPT-Report} header with the score, the threshold, the model and the spans that
 *       moved the score most ({@link ExplanationReport}); default none. {@code explainTimeout}: the
 *       most a mail waits for its explanation, such as {@code 500ms}; past it, or while another
 *       explanation runs, the mail goes on without one and the skip is counted; default 1s.
 *   <li>{@code spamAssassinHeaders}: write {@code X-Spam-Flag}, {@code X-Spam-Score}, {@code
 *       X-Spam-Level} and {@code X-Spam-Status} in SpamAssassin's layout instead, the probability
 *       mapped onto SpamAssassin's points ({@link SpamAssassinHeaders}); default false.
 *   <li>{@code tagSubject}: put this tag, such as {@code [SPAM]}, in front of the subject of spam;
 *       default none.
 *   <li>{@code maxBytes}: read at most this many bytes of a mail; bigger mails are scored on their
 *       start and never loaded whole; default 262144.
 *   <li>{@code maxTokens}: tokens per mail the model reads; longer text is cut (the start is kept);
 *       default the bundle's max length, the {@code --max-tokens} it was trained with.
 *   <li>{@code inferenceThreads}: forward passes that may run at once; default 2.
 *   <li>{@code maxBatchSize}: the most waiting mails one forward pass scores together; default 8.
 *   <li>{@code queueCapacity}: the most mails waiting for an inference thread; default 2 x
 *       inferenceThreads x maxBatchSize.
 *   <li>{@code timeout}: the most time one mail may wait for its score, such as {@code 500ms},
 *       {@code 30s} or {@code 2m}; default 60s.
 *   <li>{@code metricsPort}: serve Prometheus metrics on {@code
 *       http://metricsHost:metricsPort/metrics}; default off. {@code metricsHost}: default
 *       127.0.0.1.
 * </ul>
 */
public class SpamGptClassifier extends GenericMailet {

    public static final String STATUS_HEADER = "org.apache.james.spamgpt.status";
    public static final String FLAG_HEADER = "org.apache.james.spamgpt.flag";
    public static final String MODEL_HEADER = "org.apache.james.spamgpt.model";
    public static final String SCORE_ATTRIBUTE = "org.apache.james.spamgpt.score";
    public static final String SPAM_FLAG_HEADER = "X-Spam-Flag";
    public static final String SPAM_SCORE_HEADER = "X-Spam-Score";

    private static final Logger LOGGER = LoggerFactory.getLogger(SpamGptClassifier.class);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

    private final ScorerFactory scorerFactory;

    private SpamGptEngine engine;
    private String statusHeader;
    private String flagHeader;
    private String modelHeader;
    private String shadowHeader;
    private AttributeName scoreAttribute;
    private boolean addHeaders;
    private boolean spamAssassinHeaders;
    private boolean explaining;
    private Float rejectThreshold;
    private String rejectSpamProcessor;
    private Optional<String> subjectTag;

    /** The mailet with the real SpamGPT classifier; James calls this one. */
    public SpamGptClassifier() {
        this(ScorerFactory.CLASSIFIER);
    }

    SpamGptClassifier(ScorerFactory scorerFactory) {
        this.scorerFactory = scorerFactory;
    }

    @Override
    public void init() throws MessagingException {
        SpamGptEngine.Settings settings = new SpamGptEngine.Settings();
        settings.model = text("model", settings.model);
        Float threshold = threshold(getInitParameter("threshold"), "threshold");
        settings.maxBytes = number("maxBytes", settings.maxBytes, 1, Integer.MAX_VALUE - 64);
        int maxTokens = wholeNumber("maxTokens", 0, 1 << 20);
        settings.threads = (int) number("inferenceThreads", settings.threads, 1, 256);
        // Also the most mails one worker takes from the queue: capped here, as queueCapacity is.
        int maxBatchSize =
                wholeNumber("maxBatchSize", SpamGptEngine.Settings.DEFAULT_MAX_BATCH_SIZE, 1024);
        settings.classifier = classifierOptions(threshold, maxTokens, maxBatchSize);
        settings.queueCapacity =
                (int) number("queueCapacity", settings.effectiveQueueCapacity(), 1, 1 << 20);
        settings.timeoutMillis = duration("timeout", getInitParameter("timeout", "60s"));
        String reload = getInitParameter("reloadInterval", "10s").trim();
        settings.reloadIntervalMillis = "0".equals(reload) ? 0 : duration("reloadInterval", reload);
        settings.shadowModel = getInitParameterAsOptional("shadowModel").orElse(null);
        settings.shadowShare = share(getInitParameter("shadowShare", "0.25"));
        shadowHeader = getInitParameterAsOptional("shadowHeaderName").orElse(null);
        settings.shadowHeader = shadowHeader;
        settings.explain = getInitParameter("explain", "none").trim().toLowerCase(Locale.ROOT);
        if (!java.util.List.of("none", "spam", "all").contains(settings.explain)) {
            throw new MessagingException(
                    "SpamGPT parameter 'explain' must be none, spam or all, got '"
                            + settings.explain
                            + "'");
        }
        explaining = !"none".equals(settings.explain);
        settings.explainTimeoutMillis =
                duration("explainTimeout", getInitParameter("explainTimeout", "1s"));
        if (getInitParameter("metricsPort") != null) {
            settings.metricsPort = (int) number("metricsPort", 0, 0, 65535);
        }
        settings.metricsHost = text("metricsHost", settings.metricsHost);
        settings.instance = getMailetName();
        statusHeader = text("statusHeaderName", STATUS_HEADER);
        flagHeader = text("flagHeaderName", FLAG_HEADER);
        modelHeader = text("modelHeaderName", MODEL_HEADER);
        scoreAttribute = AttributeName.of(text("scoreAttributeName", SCORE_ATTRIBUTE));
        addHeaders = getInitParameter("addHeaders", false);
        spamAssassinHeaders = getInitParameter("spamAssassinHeaders", false);
        subjectTag =
                getInitParameterAsOptional("tagSubject")
                        .map(String::trim)
                        .filter(s -> !s.isEmpty());

        rejectThreshold = threshold(getInitParameter("rejectThreshold"), "rejectThreshold");
        rejectSpamProcessor =
                getInitParameterAsOptional("rejectSpamProcessor")
                        .map(String::trim)
                        .filter(p -> !p.isEmpty())
                        .orElse(null);
        if ((rejectThreshold == null) != (rejectSpamProcessor == null)) {
            throw new MessagingException(
                    "SpamGPT parameters 'rejectThreshold' and 'rejectSpamProcessor' go together:"
                            + " mails scoring at or above the first go to the second");
        }
        if (rejectThreshold != null && !(rejectThreshold >= 0 && rejectThreshold <= 1)) {
            throw new MessagingException(
                    "SpamGPT parameter 'rejectThreshold' must be in [0, 1], got "
                            + rejectThreshold);
        }

        engine = SpamGptEngine.start(settings, scorerFactory);
        if (rejectThreshold != null && rejectThreshold < engine.threshold()) {
            float spamThreshold = engine.threshold();
            destroy();
            throw new MessagingException(
                    "SpamGPT parameter 'rejectThreshold' ("
                            + rejectThreshold
                            + ") must not be below the spam threshold ("
                            + spamThreshold
                            + "): the reject tier is the strictest");
        }
    }

    /**
     * Marks the mail with its verdict.
     *
     * @throws MessagingException only when the model timed out or is shut down (the mail is marked
     *     {@code No, error=...} first), for James's {@code onMailetException}
     */
    @Override
    public void service(Mail mail) throws MessagingException {
        Verdict verdict;
        SpamGptEngine.ScoringFailure failure = null;
        try {
            verdict = engine.classify(mail);
        } catch (SpamGptEngine.ScoringFailure e) {
            verdict = e.verdict();
            failure = e;
        }
        for (MailAddress recipient : mail.getRecipients()) {
            mail.addSpecificHeaderForRecipient(header(statusHeader, verdict.status()), recipient);
            mail.addSpecificHeaderForRecipient(header(flagHeader, verdict.flag()), recipient);
            mail.addSpecificHeaderForRecipient(
                    header(modelHeader, verdict.modelId().orElse(engine.modelId())), recipient);
            if (shadowHeader != null && verdict.shadowStatus().isPresent()) {
                mail.addSpecificHeaderForRecipient(
                        header(shadowHeader, verdict.shadowStatus().get()), recipient);
            }
        }
        verdict.score()
                .ifPresent(
                        score ->
                                mail.setAttribute(
                                        new Attribute(scoreAttribute, AttributeValue.of(score))));
        if (addHeaders
                || spamAssassinHeaders
                || explaining
                || (subjectTag.isPresent() && verdict.isSpam())) {
            updateMessage(mail, verdict);
        }
        LOGGER.debug("SpamGPT mail {}: {}", mail.getName(), verdict);
        if (rejectSpamProcessor != null
                && verdict.isSpam()
                && verdict.score().getAsDouble() >= rejectThreshold) {
            // The strictest tier leaves local delivery for a processor of the admin's: a
            // quarantine repository or a bounce, as RspamdScanner's rejectSpamProcessor does.
            mail.setState(rejectSpamProcessor);
        }
        if (failure != null) {
            throw new MessagingException(
                    "SpamGPT could not score mail " + mail.getName() + ": " + failure.getMessage(),
                    failure);
        }
    }

    @Override
    public void destroy() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    @Override
    public String getMailetInfo() {
        return "SpamGPT classifier: marks spam with per-recipient headers";
    }

    /**
     * @return the threshold in use: the parameter's or the bundle's
     */
    float threshold() {
        return engine.threshold();
    }

    /**
     * @return the port metrics are served on, or -1
     */
    int metricsPort() {
        return engine.metricsPort();
    }

    private void updateMessage(Mail mail, Verdict verdict) {
        // Message headers are a nicety: a message that cannot take them still gets routed.
        try {
            MimeMessage message = mail.getMessage();
            // A report header of the sender's is never left to pose as ours.
            message.removeHeader(ExplanationReport.HEADER);
            if (verdict.report().isPresent()) {
                message.setHeader(ExplanationReport.HEADER, verdict.report().get());
            }
            if (spamAssassinHeaders) {
                // SpamAssassin's layout owns X-Spam-Flag and X-Spam-Score when both are asked for.
                SpamAssassinHeaders.write(
                        message, verdict, verdict.modelId().orElse(engine.modelId()));
            } else if (addHeaders) {
                message.setHeader(SPAM_FLAG_HEADER, verdict.flag());
                if (verdict.score().isPresent()) {
                    message.setHeader(SPAM_SCORE_HEADER, verdict.formattedScore());
                }
            }
            if (subjectTag.isPresent() && verdict.isSpam()) {
                String tag = subjectTag.get();
                String subject = message.getSubject();
                if (subject == null || !subject.startsWith(tag)) {
                    message.setSubject(
                            subject == null || subject.isEmpty() ? tag : tag + " " + subject,
                            "UTF-8");
                }
            }
        } catch (MessagingException | RuntimeException | Error e) {
            Failures.requireNonFatal(e);
            LOGGER.warn(
                    "SpamGPT could not write its headers into mail {}: {}",
                    mail.getName(),
                    e.toString());
        }
    }

    private static PerRecipientHeaders.Header header(String name, String value) {
        return PerRecipientHeaders.Header.builder().name(name).value(value).build();
    }

    private String text(String name, String defaultValue) throws MessagingException {
        String value = getInitParameter(name, defaultValue);
        if (value == null || value.trim().isEmpty()) {
            throw new MessagingException("SpamGPT parameter '" + name + "' must not be empty");
        }
        return value.trim();
    }

    /**
     * The classifier's settings; ClassifierOptions checks them, and a bad one is named by its
     * parameter.
     */
    private static ClassifierOptions classifierOptions(
            Float threshold, int maxTokens, int maxBatchSize) throws MessagingException {
        try {
            return ClassifierOptions.builder()
                    .threshold(threshold)
                    .maxTokens(maxTokens)
                    .maxBatchSize(maxBatchSize)
                    .build();
        } catch (ClassifierOptions.InvalidOptionException e) {
            throw new MessagingException(
                    "SpamGPT parameter '" + parameter(e.setting()) + "' " + e.problem());
        }
    }

    private static String parameter(ClassifierOptions.Setting setting) {
        switch (setting) {
            case THRESHOLD:
                return "threshold";
            case MAX_TOKENS:
                return "maxTokens";
            case MAX_BATCH_SIZE:
                return "maxBatchSize";
            default:
                return setting.label();
        }
    }

    /** A whole number up to {@code max}; its lower bound is the classifier options' to check. */
    private int wholeNumber(String name, int defaultValue, int max) throws MessagingException {
        long parsed = number(name, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (parsed > max) {
            throw new MessagingException(
                    "SpamGPT parameter '" + name + "' must be at most " + max + ", got " + parsed);
        }
        return (int) parsed;
    }

    private long number(String name, long defaultValue, long min, long max)
            throws MessagingException {
        String value = getInitParameter(name);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new MessagingException(
                    "SpamGPT parameter '" + name + "' must be a whole number, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new MessagingException(
                    "SpamGPT parameter '"
                            + name
                            + "' must be in ["
                            + min
                            + ", "
                            + max
                            + "], got "
                            + parsed);
        }
        return parsed;
    }

    /** Parses a threshold parameter; its range is checked by whoever uses it. */
    private static Float threshold(String value, String name) throws MessagingException {
        if (value == null) {
            return null;
        }
        try {
            return Float.parseFloat(value.trim());
        } catch (NumberFormatException e) {
            throw new MessagingException(
                    "SpamGPT parameter '"
                            + name
                            + "' must be a number in [0, 1], got '"
                            + value
                            + "'");
        }
    }

    private static double share(String value) throws MessagingException {
        try {
            double share = Double.parseDouble(value.trim());
            if (share > 0 && share <= 10) {
                return share;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MessagingException(
                "SpamGPT parameter 'shadowShare' must be a number in (0, 10], got '" + value + "'");
    }

    private static long duration(String name, String value) throws MessagingException {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            long millis = "ms".equals(unit) ? n : "s".equals(unit) ? n * 1000 : n * 60_000;
            if (millis > 0) {
                return millis;
            }
        }
        throw new MessagingException(
                "SpamGPT parameter '"
                        + name
                        + "' must be a positive duration such"
                        + " as 500ms, 30s or 2m, got '"
                        + value
                        + "'");
    }
}
