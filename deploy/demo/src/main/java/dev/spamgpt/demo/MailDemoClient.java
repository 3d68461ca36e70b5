package dev.spamgpt.demo;

import dev.spamgpt.core.util.ProgressBar;
import dev.spamgpt.demo.james.DemoMailServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * The mail half of {@code ./spamgpt demo}, run against the James of {@link DemoMailServer}: sends
 * each demo message as a mail over one SMTP connection, waits until all are delivered, and reads
 * over IMAP which folder each one is in. Writes one tab-separated line per message (id, true label,
 * folder, SpamGPT status header) and a {@code #summary} line with the counts and the time from the
 * first SMTP send to the last delivery.
 */
final class MailDemoClient {

    static final String SENDER = "sms-gateway@example.net";
    static final String STATUS_HEADER = "org.apache.james.spamgpt.status";

    private MailDemoClient() {}

    /** Whether the demo user can log in over IMAP: James is up and the user exists. */
    static boolean ready(int imapPort) {
        try {
            Store store = imapSession().getStore("imap");
            store.connect("127.0.0.1", imapPort, DemoMailServer.USER, DemoMailServer.PASSWORD);
            store.close();
            return true;
        } catch (MessagingException e) {
            return false;
        }
    }

    /**
     * Sends the sample and waits for every mail.
     *
     * @return whether every mail was delivered within the timeout
     */
    static boolean run(
            List<DemoSample.Message> sample,
            int smtpPort,
            int imapPort,
            Path out,
            boolean interactive,
            Duration timeout)
            throws Exception {
        PrintStream err = System.err;
        Map<String, String[]> delivered = new HashMap<>();
        long started = System.nanoTime();
        long finished;
        // Made before the first send, so that its rate counts from there.
        try (ProgressBar deliveries =
                new ProgressBar(
                        "mail: delivered",
                        sample.size(),
                        0,
                        false,
                        err,
                        interactive,
                        System::nanoTime)) {
            Properties smtp = new Properties();
            smtp.put("mail.smtp.localhost", "demo.example.net");
            Session session = Session.getInstance(smtp);
            try (ProgressBar sending =
                            new ProgressBar(
                                    "mail: sent (SMTP)",
                                    sample.size(),
                                    0,
                                    false,
                                    err,
                                    interactive,
                                    System::nanoTime);
                    Transport transport = session.getTransport("smtp")) {
                transport.connect("127.0.0.1", smtpPort, null, null);
                for (DemoSample.Message m : sample) {
                    MimeMessage mail = mail(session, m);
                    transport.sendMessage(mail, mail.getAllRecipients());
                    sending.step(1);
                }
            }
            long deadline = started + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                delivered = readFolders(imapPort);
                deliveries.set(delivered.size());
                if (delivered.size() >= sample.size()) {
                    break;
                }
                Thread.sleep(200);
            }
            finished = System.nanoTime();
        }
        writeResults(out, sample, delivered, (finished - started) / 1e9);
        if (delivered.size() < sample.size()) {
            err.printf(
                    Locale.ROOT,
                    "mail: only %d of %d mails were delivered within %d s%n",
                    delivered.size(),
                    sample.size(),
                    timeout.toSeconds());
            return false;
        }
        return true;
    }

    static MimeMessage mail(Session session, DemoSample.Message m) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(SENDER));
        message.setRecipients(Message.RecipientType.TO, DemoMailServer.USER);
        message.setHeader("X-Demo-Id", m.id());
        message.setText(m.text(), "UTF-8");
        message.saveChanges();
        return message;
    }

    /** id -> {folder, status header} of every demo mail in INBOX and Spam. */
    static Map<String, String[]> readFolders(int imapPort) throws MessagingException {
        Map<String, String[]> found = new HashMap<>();
        Store store = imapSession().getStore("imap");
        store.connect("127.0.0.1", imapPort, DemoMailServer.USER, DemoMailServer.PASSWORD);
        try {
            for (String name : new String[] {"INBOX", "Spam"}) {
                Folder folder = store.getFolder(name);
                if (!folder.exists()) {
                    continue;
                }
                folder.open(Folder.READ_ONLY);
                try {
                    for (Message m : folder.getMessages()) {
                        String[] id = m.getHeader("X-Demo-Id");
                        String[] status = m.getHeader(STATUS_HEADER);
                        if (id != null) {
                            found.put(id[0], new String[] {name, status == null ? "" : status[0]});
                        }
                    }
                } finally {
                    folder.close(false);
                }
            }
        } finally {
            store.close();
        }
        return found;
    }

    static void writeResults(
            Path out,
            List<DemoSample.Message> sample,
            Map<String, String[]> delivered,
            double seconds)
            throws IOException {
        try (PrintWriter w =
                new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            for (DemoSample.Message m : sample) {
                String[] where = delivered.getOrDefault(m.id(), new String[] {"(missing)", ""});
                w.printf(Locale.ROOT, "%s\t%s\t%s\t%s%n", m.id(), m.label(), where[0], where[1]);
            }
            w.printf(
                    Locale.ROOT,
                    "#summary\tmail\t%d\t%d\t%.3f%n",
                    sample.size(),
                    delivered.size(),
                    seconds);
        }
    }

    private static Session imapSession() {
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "5000");
        props.put("mail.imap.timeout", "10000");
        return Session.getInstance(props);
    }
}
