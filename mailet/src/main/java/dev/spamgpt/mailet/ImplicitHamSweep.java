package dev.spamgpt.mailet;

import dev.spamgpt.core.util.TempFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.user.api.UsersRepository;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Implicit ham: a message that is still in a user's INBOX {@code implicitHamAfter} after it arrived
 * was kept, which says "ham" more quietly than a move out of Spam.
 *
 * <p>Each sweep walks the users and reports the INBOX messages whose arrival lies in {@code [last
 * sweep - after, this sweep - after)}, so each message is looked at once, when it comes of age. The
 * time of the last sweep is kept in a small state file; without one (the first sweep after the
 * option is turned on) the window starts now, so that years of old mail do not flood the store at
 * once. A report's id comes from the message id alone, so a sweep that runs twice over a message
 * (after a crash before the state file was written) writes the same report, which the stores keep
 * once.
 */
final class ImplicitHamSweep {

    /** What the sweep hands each message to. */
    interface Sink {
        void accept(Username user, MessageResult message, byte[] raw) throws IOException;
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(ImplicitHamSweep.class);

    private final Duration after;
    private final Path state;
    private final int maxBytes;
    private final UsersRepository users;
    private final MailboxManager mailboxManager;

    ImplicitHamSweep(
            Duration after,
            Path state,
            int maxBytes,
            UsersRepository users,
            MailboxManager mailboxManager) {
        this.after = after;
        this.state = state;
        this.maxBytes = maxBytes;
        this.users = users;
        this.mailboxManager = mailboxManager;
    }

    /**
     * Runs one sweep up to {@code now} and then records it.
     *
     * @param now this sweep's time
     * @param sink receives each message that came of age
     * @return how many messages were handed to the sink
     * @throws Exception when the users or a mailbox cannot be read, or the sink fails; the state is
     *     then left alone and the next sweep covers the same window again
     */
    int sweep(Instant now, Sink sink) throws Exception {
        Instant last = lastSweep();
        if (last == null || !last.isBefore(now)) {
            record(now);
            return 0;
        }
        Date from = Date.from(last.minus(after));
        Date to = Date.from(now.minus(after));
        int found = 0;
        Iterator<Username> all = users.list();
        while (all.hasNext()) {
            found += sweepUser(all.next(), from, to, sink);
        }
        record(now);
        if (found > 0) {
            LOGGER.info(
                    "SpamGPT feedback: {} message(s) stayed in INBOX for {}: implicit ham",
                    found,
                    after);
        }
        return found;
    }

    private int sweepUser(Username user, Date from, Date to, Sink sink) throws Exception {
        MailboxSession session = mailboxManager.createSystemSession(user);
        try {
            MessageManager inbox;
            try {
                inbox = mailboxManager.getMailbox(MailboxPath.inbox(user), session);
            } catch (MailboxNotFoundException e) {
                return 0; // a user who never got mail
            }
            SearchQuery query =
                    SearchQuery.of(
                            SearchQuery.or(
                                    SearchQuery.internalDateAfter(
                                            from, SearchQuery.DateResolution.Second),
                                    SearchQuery.internalDateOn(
                                            from, SearchQuery.DateResolution.Second)),
                            SearchQuery.internalDateBefore(to, SearchQuery.DateResolution.Second));
            Publisher<MessageUid> found = inbox.search(query, session);
            List<MessageUid> uids = new ArrayList<>(Flux.from(found).collectList().block());
            int n = 0;
            for (MessageUid uid : uids) {
                MessageResultIterator it =
                        inbox.getMessages(MessageRange.one(uid), FetchGroup.FULL_CONTENT, session);
                while (it.hasNext()) {
                    MessageResult message = it.next();
                    byte[] raw;
                    try (InputStream in = message.getFullContent().getInputStream()) {
                        raw = in.readNBytes(maxBytes);
                    }
                    sink.accept(user, message, raw);
                    n++;
                }
            }
            return n;
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    private Instant lastSweep() throws IOException {
        if (!Files.isRegularFile(state)) {
            return null;
        }
        String text = Files.readString(state, StandardCharsets.UTF_8).trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            LOGGER.warn(
                    "SpamGPT feedback: {} does not hold a time ('{}'); the implicit ham window"
                            + " starts again now",
                    state,
                    text);
            return null;
        }
    }

    private void record(Instant now) throws IOException {
        Files.createDirectories(state.toAbsolutePath().getParent());
        Path tmp = TempFiles.sibling(state);
        try {
            Files.writeString(tmp, now.toString() + "\n", StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    state,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
