package dev.spamgpt.trainer.data;

import dev.spamgpt.core.bundle.DataDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code prepare --source KIND:SPEC[,cap=N][,weight=W][,domain=D]}: where examples come from
 * and how much they count.
 *
 * <ul>
 *   <li>{@code sms[:FILE]}: the UCI SMS Spam Collection (downloaded when no file is given);
 *   <li>{@code mail:DIR}: a folder with {@code ham/} and {@code spam/} of mail files;
 *   <li>{@code tsv:FILE}, {@code csv:FILE}, {@code jsonl:FILE}: labelled text files;
 *   <li>{@code feedback:DIR} or {@code feedback:kafka:TOPIC@HOST:PORT}: users' feedback reports;
 *   <li>{@code spamassassin[:URL]}: the SpamAssassin public corpus, downloaded from its site (or
 *       URL) into the cache.
 * </ul>
 *
 * {@code cap=N} keeps a seeded sample of at most N examples of the source; {@code weight=W} scales
 * its share of the training split only (2 repeats each of its training examples, 0.5 keeps half of
 * them), so that validation and test stay what the data is; {@code domain=sms|mail} names the
 * domain of a text file, which is otherwise unknown. Options are read from the end of the spec, so
 * a Kafka bootstrap list may hold commas.
 */
public final class DataSource {

    /** The kinds of source. */
    public enum Kind {
        SMS,
        MAIL,
        TSV,
        CSV,
        JSONL,
        FEEDBACK,
        SPAMASSASSIN;

        String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String spec;
    private final Integer cap;
    private final double weight;
    private final DataDomain domain;
    private final String text;

    private DataSource(
            Kind kind, String spec, Integer cap, double weight, DataDomain domain, String text) {
        this.kind = kind;
        this.spec = spec;
        this.cap = cap;
        this.weight = weight;
        this.domain = domain;
        this.text = text;
    }

    /**
     * @param text the option's value
     * @return the source
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DataSource parse(String text) {
        int colon = text.indexOf(':');
        String kindName = (colon < 0 ? text : text.substring(0, colon)).trim();
        Kind kind;
        try {
            kind = Kind.valueOf(kindName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown source kind '"
                            + kindName
                            + "' in "
                            + text
                            + " (sms, mail, tsv, csv, jsonl, feedback or spamassassin)");
        }
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        List<String> parts = new ArrayList<>(List.of(rest.split(",", -1)));
        Integer cap = null;
        double weight = 1;
        DataDomain domain = null;
        while (parts.size() > 1 && parts.get(parts.size() - 1).matches("\\s*\\w+=.*")) {
            String option = parts.remove(parts.size() - 1).trim();
            String key = option.substring(0, option.indexOf('='));
            String value = option.substring(option.indexOf('=') + 1);
            try {
                switch (key) {
                    case "cap":
                        cap = Integer.parseInt(value);
                        if (cap < 1) {
                            throw new NumberFormatException();
                        }
                        break;
                    case "weight":
                        weight = Double.parseDouble(value);
                        if (!(weight > 0 && weight <= 100)) {
                            throw new NumberFormatException();
                        }
                        break;
                    case "domain":
                        domain = DataDomain.parseOrUnknown(value);
                        if (domain == DataDomain.UNKNOWN || domain == DataDomain.MIXED) {
                            throw new NumberFormatException();
                        }
                        break;
                    default:
                        throw new IllegalArgumentException(
                                "unknown source option '"
                                        + key
                                        + "' in "
                                        + text
                                        + " (cap, weight or domain)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "bad "
                                + key
                                + "="
                                + value
                                + " in "
                                + text
                                + " (cap: a whole number >= 1; weight: in (0, 100]; domain:"
                                + " sms or mail)");
            }
        }
        String spec = String.join(",", parts).trim();
        if (spec.isEmpty() && kind != Kind.SMS && kind != Kind.SPAMASSASSIN) {
            throw new IllegalArgumentException(
                    "source " + text + " needs a path: " + kind.cliName() + ":PATH");
        }
        if (domain == null) {
            domain =
                    kind == Kind.SMS
                            ? DataDomain.SMS
                            : kind == Kind.MAIL
                                            || kind == Kind.FEEDBACK
                                            || kind == Kind.SPAMASSASSIN
                                    ? DataDomain.MAIL
                                    : DataDomain.UNKNOWN;
        }
        return new DataSource(kind, spec.isEmpty() ? null : spec, cap, weight, domain, text);
    }

    public Kind kind() {
        return kind;
    }

    /** The path, store spec or URL, or null for a download from the default site. */
    public String spec() {
        return spec;
    }

    /** The most examples taken, or null for all. */
    public Integer cap() {
        return cap;
    }

    public double weight() {
        return weight;
    }

    public DataDomain domain() {
        return domain;
    }

    /** The kind as prepare names it. */
    public String kindName() {
        return kind.cliName();
    }

    @Override
    public String toString() {
        return text;
    }
}
