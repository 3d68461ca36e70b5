package dev.spamgpt.mailet;

import dev.spamgpt.core.explain.Explanation;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.mail.internet.MimeUtility;

/**
 * The {@code X-SpamGPT-Report} header: the score, the threshold, the model and the spans that moved
 * the score, for example
 *
 * <pre>
 * X-SpamGPT-Report: score=0.97 required=0.50 model=spamgpt-mail:20261203T101500Z;
 *  +2.31 "WIN a"; +1.02 "FREE prize"; -0.40 "lunch"
 * </pre>
 *
 * Contributions are in log-odds. The value is built from message text, so it is made safe before it
 * goes into a header: control characters (CR and LF among them) become spaces, quotes and
 * backslashes in a span are escaped, each span is cut at {@value #MAX_SPAN_CHARS} characters and
 * the whole value at {@value #MAX_CHARS}; non-ASCII text is RFC 2047-encoded, and the line is
 * folded.
 */
final class ExplanationReport {

    static final String HEADER = "X-SpamGPT-Report";
    static final int MAX_CHARS = 600;
    static final int MAX_SPAN_CHARS = 40;

    private ExplanationReport() {}

    /**
     * @param verdict the verdict, scored
     * @param modelId the model that scored it
     * @param why the explanation
     * @return the header value, folded and encoded
     */
    static String value(Verdict verdict, String modelId, Explanation why) {
        List<String> parts = new ArrayList<>();
        parts.add(
                String.format(
                        Locale.ROOT,
                        "score=%s required=%.2f model=%s",
                        verdict.formattedScore(),
                        verdict.threshold(),
                        safe(modelId, 80).replace(' ', '_')));
        List<Explanation.Span> spans = new ArrayList<>(why.raising());
        spans.addAll(why.lowering());
        StringBuilder value = new StringBuilder(parts.get(0));
        for (Explanation.Span s : spans) {
            String part =
                    String.format(
                            Locale.ROOT,
                            "%+.2f \"%s\"",
                            s.contribution(),
                            safe(s.text(), MAX_SPAN_CHARS)
                                    .replace("\\", "\\\\")
                                    .replace("\"", "\\\""));
            if (value.length() + 2 + part.length() > MAX_CHARS) {
                break;
            }
            value.append("; ").append(part);
        }
        String text = value.toString();
        try {
            // Encodes only when there is non-ASCII text; the header name's length is allowed for.
            String encoded = MimeUtility.encodeText(text, "UTF-8", "Q");
            return MimeUtility.fold(HEADER.length() + 2, encoded);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /** One line of printable text, at most {@code max} characters. */
    static String safe(String text, int max) {
        String flat = text.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "\u2026";
    }
}
