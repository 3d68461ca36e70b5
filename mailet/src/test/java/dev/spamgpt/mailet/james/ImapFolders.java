package dev.spamgpt.mailet.james;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.utils.TestIMAPClient;

/**
 * Reads, over real IMAP, which mails sit in INBOX and in Spam, with the headers the tests check.
 */
final class ImapFolders {

    static final String INBOX = "INBOX";
    static final String SPAM = "Spam";

    /** One delivered mail as IMAP shows it. */
    static final class Delivered {
        final String folder;
        final Map<String, String> headers;

        Delivered(String folder, Map<String, String> headers) {
            this.folder = folder;
            this.headers = headers;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return folder + " " + headers;
        }
    }

    private static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");
    private static final String FIELDS =
            "X-Test-Id Subject X-Spam-Flag X-Spam-Score "
                    + "org.apache.james.spamgpt.status org.apache.james.spamgpt.flag"
                    + " org.apache.james.spamgpt.model org.apache.james.spamgpt.shadow";

    private ImapFolders() {}

    /** Counts the mails in both folders (a missing folder counts 0). */
    static int count(int port, String user) throws Exception {
        return count("127.0.0.1", port, user);
    }

    static int count(String host, int port, String user) throws Exception {
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect(host, port).login(user, JamesHome.PASSWORD);
            return exists(imap, INBOX) + exists(imap, SPAM);
        }
    }

    /** Reads every mail of both folders, by X-Test-Id; fails on a duplicate id. */
    static Map<String, Delivered> read(String host, int port, String user) throws Exception {
        Map<String, Delivered> mails = new HashMap<>();
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect(host, port).login(user, JamesHome.PASSWORD);
            for (String folder : new String[] {INBOX, SPAM}) {
                if (exists(imap, folder) == 0) {
                    continue;
                }
                String reply =
                        imap.sendCommand("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (" + FIELDS + ")])");
                for (String item : reply.split("(?m)^\\* \\d+ FETCH")) {
                    Map<String, String> headers = parseHeaders(item);
                    String id = headers.get("x-test-id");
                    if (id == null) {
                        continue;
                    }
                    Delivered previous = mails.put(id, new Delivered(folder, headers));
                    if (previous != null) {
                        throw new AssertionError(
                                user + " got " + id + " twice: " + previous + " and " + folder);
                    }
                }
            }
        }
        return mails;
    }

    private static int exists(TestIMAPClient imap, String folder) throws Exception {
        String reply = imap.sendCommand("SELECT " + folder);
        Matcher m = EXISTS.matcher(reply);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static Map<String, String> parseHeaders(String item) {
        Map<String, String> headers = new HashMap<>();
        String last = null;
        for (String line : item.split("\r?\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                headers.put(last, headers.get(last) + " " + line.trim());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("*") && !line.contains("BODY[")) {
                last = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                headers.put(last, line.substring(colon + 1).trim());
            }
        }
        return headers;
    }
}
