package dev.spamgpt.core.text;

import dev.spamgpt.core.text.MessageText.Limits;
import dev.spamgpt.core.text.MessageText.Result;
import java.util.ArrayList;
import java.util.List;
import javax.mail.MessagingException;
import javax.mail.Part;

/**
 * The state of one extraction: collected text, problems and whether anything was cut. Each of
 * {@link MessageText}'s entry points fills one through a {@link MimeWalk}, so bytes, streams and
 * parsed messages all go through the same walk of the MIME tree and the same rules.
 */
final class Extraction {

    private final Limits limits;
    private final StringBuilder text = new StringBuilder();
    private final List<String> problems = new ArrayList<>();
    private boolean truncated;

    Extraction(Limits limits) {
        this.limits = limits;
    }

    Limits limits() {
        return limits;
    }

    /** Marks the result as truncated when {@code cut}, for input cut before the walk. */
    void markTruncated(boolean cut) {
        truncated |= cut;
    }

    void problem(String description) {
        // A pathological mail could repeat one fault thousands of times.
        if (problems.size() < 50) {
            problems.add(description);
        }
    }

    boolean full() {
        return text.length() >= limits.maxChars();
    }

    /** The characters collected so far, before normalisation. */
    int length() {
        return text.length();
    }

    void append(String piece) {
        String clean = piece.trim();
        if (clean.isEmpty()) {
            return;
        }
        if (full()) {
            truncated = true;
            return;
        }
        if (text.length() > 0) {
            text.append('\n');
        }
        text.append(clean);
    }

    Result result() {
        String out = TextNormalization.normalize(text);
        if (out.length() > limits.maxChars()) {
            int end = limits.maxChars();
            if (Character.isHighSurrogate(out.charAt(end - 1))) {
                end--;
            }
            out = out.substring(0, end);
            truncated = true;
        }
        return new Result(out, truncated, problems);
    }

    /**
     * The result after the walk failed with {@code failure}: the text read until then, cut there,
     * with the failure as a problem. It does as little as it can, as the stack may still be nearly
     * full.
     */
    Result failed(Throwable failure) {
        truncated = true;
        // No string concatenation: its first use links a call site, which takes stack.
        problem(
                new StringBuilder("extraction failed (")
                        .append(failure.getClass().getName())
                        .append("); the text is what was read before")
                        .toString());
        try {
            return result();
        } catch (RuntimeException | StackOverflowError e) {
            return new Result("", true, problems);
        }
    }

    /** Names a part in a problem description by its base type. */
    static String describe(Part part) {
        try {
            String type = part.getContentType();
            return type == null ? "text/plain part" : abbreviate(type.split(";", 2)[0]) + " part";
        } catch (MessagingException | RuntimeException e) {
            return "part";
        }
    }

    /** Cuts a value quoted in a problem description, which may come from a hostile header. */
    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
