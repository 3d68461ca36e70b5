package dev.spamgpt.core.text;

/** The last step of every extraction: whitespace and invisible characters made uniform. */
final class TextNormalization {

    private TextNormalization() {}

    /** Collapses blank-line runs, trims line ends, drops NULs, turns no-break spaces to spaces. */
    static String normalize(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length());
        int newlines = 0;
        StringBuilder spaces = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    continue;
                }
                c = '\n';
            }
            if (c == '\u0000') {
                continue;
            }
            if (c == '\u00a0') {
                // A no-break space looks like a space; the model should see one.
                c = ' ';
            }
            if (c == '\n') {
                // Spaces at the end of a line are dropped.
                spaces.setLength(0);
                newlines++;
                continue;
            }
            if (c == ' ' || c == '\t') {
                spaces.append(c);
                continue;
            }
            if (newlines > 0) {
                out.append(newlines > 1 ? "\n\n" : "\n");
                newlines = 0;
            }
            out.append(spaces);
            spaces.setLength(0);
            out.append(c);
        }
        return out.toString().trim();
    }
}
