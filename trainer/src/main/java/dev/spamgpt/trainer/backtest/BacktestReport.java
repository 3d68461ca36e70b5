package dev.spamgpt.trainer.backtest;

import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.ReadResult;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a finished {@link Backtest} says, as a table for the terminal, a JSON tree and an HTML page
 * of the flips.
 */
public final class BacktestReport {

    /**
     * One model of the backtest.
     *
     * @param path the bundle or repository as given
     * @param bundle the bundle folder scored
     * @param modelId the bundle's id
     * @param threshold its threshold
     */
    public record Model(String path, String bundle, String modelId, double threshold) {}

    private final String data;
    private final MessageSource source;
    private final Model candidate;
    private final Model baseline;
    private final Backtest backtest;
    private final double seconds;

    /**
     * @param data the source as given
     * @param source the source, read
     * @param candidate the model under test
     * @param baseline the model compared with, or null
     * @param backtest the finished backtest
     * @param seconds how long it took
     */
    public BacktestReport(
            String data,
            MessageSource source,
            Model candidate,
            Model baseline,
            Backtest backtest,
            double seconds) {
        this.data = data;
        this.source = source;
        this.candidate = candidate;
        this.baseline = baseline;
        this.backtest = backtest;
        this.seconds = seconds;
    }

    /** The whole report as JSON-ready maps and lists. */
    public Map<String, Object> toMap() {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("data", data);
        s.put("kind", source.kind());
        s.put("messages", backtest.messages());
        s.putAll(source.summary());
        r.put("source", s);
        r.put("candidate", model(candidate, backtest.errors(true)));
        if (baseline != null) {
            r.put("baseline", model(baseline, backtest.errors(false)));
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        for (Backtest.Group g : backtest.groups()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", g.name());
            m.put("label", labelName(g.label()));
            m.put("messages", g.messages());
            m.put("candidate", verdicts(g.candidate(false), g.candidate(true)));
            if (baseline != null) {
                m.put("baseline", verdicts(g.baseline(false), g.baseline(true)));
                Map<String, Object> matrix = new LinkedHashMap<>();
                matrix.put(
                        "baseline_ham",
                        Map.of(
                                "candidate_ham",
                                g.cell(false, false),
                                "candidate_spam",
                                g.cell(false, true)));
                matrix.put(
                        "baseline_spam",
                        Map.of(
                                "candidate_ham",
                                g.cell(true, false),
                                "candidate_spam",
                                g.cell(true, true)));
                m.put("matrix", matrix);
            }
            groups.add(m);
        }
        r.put("groups", groups);
        if (baseline != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("total", backtest.flipCount());
            f.put("to_spam", backtest.flipsToSpam());
            f.put("to_ham", backtest.flipCount() - backtest.flipsToSpam());
            f.put("kept", backtest.flips().size());
            f.put("left_out", backtest.flipsLeftOut());
            List<Map<String, Object>> list = new ArrayList<>();
            for (Backtest.Flip flip : backtest.flips()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", flip.id());
                m.put("group", flip.group());
                m.put("label", labelName(flip.label()));
                m.put("subject", flip.subject());
                m.put("baseline_score", (double) flip.baselineScore());
                m.put("candidate_score", (double) flip.candidateScore());
                m.put("becomes", flip.toSpam() ? "spam" : "ham");
                list.add(m);
            }
            f.put("list", list);
            r.put("flips", f);
        }
        r.put("seconds", Math.round(seconds * 1000) / 1000.0);
        return r;
    }

    private static Map<String, Object> model(Model model, Backtest.Errors e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", model.path());
        m.put("bundle", model.bundle());
        m.put("model", model.modelId());
        m.put("threshold", model.threshold());
        m.put("labelled_ham", e.ham());
        m.put("labelled_spam", e.spam());
        m.put("false_positives", e.falsePositives());
        m.put("false_negatives", e.falseNegatives());
        m.put("false_positive_rate", finiteOrNull(e.falsePositiveRate()));
        m.put("false_negative_rate", finiteOrNull(e.falseNegativeRate()));
        return m;
    }

    private static Double finiteOrNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static Map<String, Object> verdicts(long ham, long spam) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ham", ham);
        m.put("spam", spam);
        return m;
    }

    private static String labelName(int label) {
        return label == ReadResult.UNLABELLED ? null : LabelledText.name(label);
    }

    /**
     * The table for the terminal.
     *
     * @param shownFlips how many flips to list at most
     * @return the lines
     */
    public String table(int shownFlips) {
        StringBuilder t = new StringBuilder();
        t.append(
                fmt(
                        "Backtest of %s (%s): %d messages scored, %d unusable, %d skipped, %.1f"
                                + " s%n",
                        data,
                        source.kind(),
                        backtest.messages(),
                        source.problems(),
                        source.skipped(),
                        seconds));
        if (baseline != null) {
            t.append(
                    fmt(
                            "  baseline   %s  threshold %.4f  (%s)%n",
                            baseline.modelId(), baseline.threshold(), baseline.bundle()));
        }
        t.append(
                fmt(
                        "  candidate  %s  threshold %.4f  (%s)%n",
                        candidate.modelId(), candidate.threshold(), candidate.bundle()));
        t.append('\n');
        if (baseline == null) {
            t.append(fmt("%-20s %10s %12s %12s%n", "label/folder", "messages", "ham", "spam"));
            for (Backtest.Group g : backtest.groups()) {
                t.append(
                        fmt(
                                "%-20s %10d %12d %12d%n",
                                cut(g.name(), 20),
                                g.messages(),
                                g.candidate(false),
                                g.candidate(true)));
            }
        } else {
            t.append(
                    fmt(
                            "%-20s %10s %12s %12s %12s %12s%n",
                            "label/folder",
                            "messages",
                            "ham->ham",
                            "ham->spam",
                            "spam->ham",
                            "spam->spam"));
            for (Backtest.Group g : backtest.groups()) {
                t.append(
                        fmt(
                                "%-20s %10d %12d %12d %12d %12d%n",
                                cut(g.name(), 20),
                                g.messages(),
                                g.cell(false, false),
                                g.cell(false, true),
                                g.cell(true, false),
                                g.cell(true, true)));
            }
            t.append("(baseline verdict -> candidate verdict)\n");
        }
        Backtest.Errors c = backtest.errors(true);
        if (c.ham() + c.spam() > 0) {
            t.append('\n');
            t.append(
                    fmt(
                            "%-10s %10s %10s %18s %18s%n",
                            "", "FPR", "FNR", "false positives", "false negatives"));
            if (baseline != null) {
                t.append(errorsRow("baseline", backtest.errors(false)));
            }
            t.append(errorsRow("candidate", c));
        }
        if (baseline != null) {
            long total = backtest.flipCount();
            t.append('\n');
            t.append(
                    fmt(
                            "Flips: %d (%d become spam, %d become ham)",
                            total, backtest.flipsToSpam(), total - backtest.flipsToSpam()));
            if (backtest.flipsLeftOut() > 0) {
                t.append(
                        fmt(
                                "; %d kept, %d left out (--max-flips)",
                                backtest.flips().size(), backtest.flipsLeftOut()));
            }
            t.append('\n');
            List<Backtest.Flip> flips = backtest.flips();
            int shown = Math.min(shownFlips, flips.size());
            for (Backtest.Flip f : flips.subList(0, shown)) {
                t.append(
                        fmt(
                                "  %-9s %.4f -> %.4f  %-28s %s%n",
                                f.toSpam() ? "ham->spam" : "spam->ham",
                                f.baselineScore(),
                                f.candidateScore(),
                                cut(f.id(), 28),
                                f.subject()));
            }
            if (flips.size() > shown) {
                t.append(fmt("  ... %d more in --json / --html%n", flips.size() - shown));
            }
        }
        return t.toString();
    }

    private static String errorsRow(String name, Backtest.Errors e) {
        return fmt(
                "%-10s %10s %10s %18s %18s%n",
                name,
                pct(e.falsePositiveRate()),
                pct(e.falseNegativeRate()),
                e.falsePositives() + "/" + e.ham(),
                e.falseNegatives() + "/" + e.spam());
    }

    private static String pct(double rate) {
        return Double.isNaN(rate) ? "-" : fmt("%.2f%%", rate * 100);
    }

    /** Keeps the end of a long id, where the file name and index are. */
    private static String cut(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - (max - 3));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * Writes a self-contained HTML page: the summary and every kept flip. Every string that comes
     * from a message or a path is escaped.
     *
     * @param out where to write
     * @throws IOException if writing fails
     */
    public void html(Writer out) throws IOException {
        out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        out.write("<title>Backtest of " + escape(data) + "</title>\n");
        out.write(
                "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
                        + "td.n{text-align:right}tr.spam td.v{color:#b00}tr.ham td.v{color:#070}"
                        + "</style>\n</head><body>\n");
        out.write("<h1>Backtest of " + escape(data) + "</h1>\n<p>");
        out.write(
                escape(
                        fmt(
                                "%s, %d messages scored, %d unusable, %d skipped.",
                                source.kind(),
                                backtest.messages(),
                                source.problems(),
                                source.skipped())));
        out.write(
                "</p>\n"
                        + "<table><tr><th></th><th>model</th><th>threshold</th>"
                        + "<th>FPR</th><th>FNR</th></tr>\n");
        if (baseline != null) {
            modelRow(out, "baseline", baseline, backtest.errors(false));
        }
        modelRow(out, "candidate", candidate, backtest.errors(true));
        out.write(
                "</table>\n"
                        + "<h2>Where each model puts each label or folder</h2>\n"
                        + "<table><tr><th>label/folder</th><th>messages</th>");
        if (baseline != null) {
            out.write(
                    "<th>ham &rarr; ham</th><th>ham &rarr; spam</th><th>spam &rarr;"
                            + " ham</th><th>spam &rarr; spam</th></tr>\n");
        } else {
            out.write("<th>ham</th><th>spam</th></tr>\n");
        }
        for (Backtest.Group g : backtest.groups()) {
            out.write(
                    "<tr><td>"
                            + escape(g.name())
                            + "</td><td class=\"n\">"
                            + g.messages()
                            + "</td>");
            if (baseline != null) {
                for (boolean b : new boolean[] {false, true}) {
                    for (boolean c : new boolean[] {false, true}) {
                        out.write("<td class=\"n\">" + g.cell(b, c) + "</td>");
                    }
                }
            } else {
                out.write(
                        "<td class=\"n\">"
                                + g.candidate(false)
                                + "</td><td class=\"n\">"
                                + g.candidate(true)
                                + "</td>");
            }
            out.write("</tr>\n");
        }
        out.write("</table>\n");
        if (baseline != null) {
            out.write("<h2>Flips</h2>\n<p>");
            out.write(
                    escape(
                            fmt(
                                    "%d messages change verdict: %d become spam, %d become ham.",
                                    backtest.flipCount(),
                                    backtest.flipsToSpam(),
                                    backtest.flipCount() - backtest.flipsToSpam())));
            if (backtest.flipsLeftOut() > 0) {
                out.write(
                        escape(
                                fmt(
                                        " The first %d are listed; %d are left out (--max-flips).",
                                        backtest.flips().size(), backtest.flipsLeftOut())));
            }
            out.write(
                    "</p>\n"
                            + "<table><tr><th>id</th><th>label/folder</th><th>verdict</th>"
                            + "<th>baseline</th><th>candidate</th>"
                            + "<th>subject or first words</th></tr>\n");
            for (Backtest.Flip f : backtest.flips()) {
                out.write(
                        "<tr class=\""
                                + (f.toSpam() ? "spam" : "ham")
                                + "\"><td>"
                                + escape(f.id())
                                + "</td><td>"
                                + escape(f.group())
                                + "</td><td class=\"v\">"
                                + (f.toSpam() ? "ham &rarr; spam" : "spam &rarr; ham")
                                + "</td>");
                out.write(
                        fmt(
                                "<td class=\"n\">%.4f</td><td class=\"n\">%.4f</td>",
                                f.baselineScore(), f.candidateScore()));
                out.write("<td>" + escape(f.subject()) + "</td></tr>\n");
            }
            out.write("</table>\n");
        }
        out.write("</body></html>\n");
    }

    private static void modelRow(Writer out, String role, Model m, Backtest.Errors e)
            throws IOException {
        out.write(
                "<tr><th>"
                        + role
                        + "</th><td>"
                        + escape(m.modelId())
                        + "<br><small>"
                        + escape(m.bundle())
                        + "</small></td>");
        out.write(fmt("<td class=\"n\">%.4f</td>", m.threshold()));
        out.write(
                "<td class=\"n\">"
                        + escape(pct(e.falsePositiveRate()))
                        + "</td><td class=\"n\">"
                        + escape(pct(e.falseNegativeRate()))
                        + "</td></tr>\n");
    }

    /**
     * Escapes text for HTML element content and quoted attribute values.
     *
     * @param s the text
     * @return the escaped text
     */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
