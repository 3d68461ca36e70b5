package dev.spamgpt.core.text;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML to readable text: block elements become line breaks, scripts and styles go. An HTML-only
 * mail should reach the model as the lines a reader sees, not as markup or one run-on line.
 */
final class HtmlText implements NodeVisitor {
    private static final Set<String> BLOCKS =
            new HashSet<>(
                    Arrays.asList(
                            "address",
                            "article",
                            "aside",
                            "blockquote",
                            "dd",
                            "div",
                            "dl",
                            "dt",
                            "fieldset",
                            "figcaption",
                            "figure",
                            "footer",
                            "form",
                            "h1",
                            "h2",
                            "h3",
                            "h4",
                            "h5",
                            "h6",
                            "header",
                            "hr",
                            "li",
                            "main",
                            "nav",
                            "ol",
                            "p",
                            "pre",
                            "section",
                            "table",
                            "tr",
                            "ul",
                            "title"));

    private final StringBuilder out = new StringBuilder();

    static String of(Document document) {
        document.select("script, style, noscript, template, head").remove();
        HtmlText visitor = new HtmlText();
        NodeTraversor.traverse(visitor, document);
        return visitor.out.toString();
    }

    @Override
    public void head(Node node, int depth) {
        if (node instanceof TextNode) {
            String text = ((TextNode) node).text();
            if (!text.trim().isEmpty()) {
                out.append(text);
            } else if (out.length() > 0
                    && out.charAt(out.length() - 1) != ' '
                    && out.charAt(out.length() - 1) != '\n') {
                out.append(' ');
            }
        } else if (node instanceof Element) {
            String name = ((Element) node).normalName();
            if (name.equals("br")) {
                // A line break always ends the line, so <br><br> leaves a blank line.
                trimTrailingSpaces();
                if (out.length() > 0) {
                    out.append('\n');
                }
            } else if (BLOCKS.contains(name)) {
                newline();
            }
        }
    }

    /** Ends the line unless it is already ended (or nothing was written yet). */
    private void newline() {
        trimTrailingSpaces();
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }

    private void trimTrailingSpaces() {
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
    }

    @Override
    public void tail(Node node, int depth) {
        if (node instanceof Element) {
            String name = ((Element) node).normalName();
            if (BLOCKS.contains(name)) {
                newline();
            } else if (name.equals("td") || name.equals("th")) {
                out.append(' ');
            }
        }
    }
}
