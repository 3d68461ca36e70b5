package dev.spamgpt.mailet;

import dev.spamgpt.core.feedback.FeedbackLabel;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.core.feedback.FeedbackStore;
import dev.spamgpt.core.feedback.FeedbackStores;
import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.core.util.Failures;
import dev.spamgpt.core.util.Sha256;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.events.MessageMoveEvent;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMoves;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.user.api.UsersRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns from users' moves: a message moved or copied into the Spam mailbox becomes a {@code spam}
 * feedback report, and one moved out of Spam into any mailbox but Trash a {@code ham} report. The
 * reports go to a {@link FeedbackStore}, from which {@code spamgpt-trainer prepare --source
 * feedback:...} builds the next training set.
 *
 * <p>Registered in James's {@code conf/listeners.xml}, from {@code spamgpt-mailet.jar} in {@code
 * extensions-jars/}:
 *
 * <pre>{@code
 * <listeners>
 *   <listener>
 *     <class>dev.spamgpt.mailet.SpamGptFeedbackListener</class>
 *     <async>false</async>
 *     <configuration>
 *       <store>/root/var/spamgpt-feedback</store>
 *     </configuration>
 *   </listener>
 * </listeners>
 * }</pre>
 *
 * Parameters of {@code <configuration>} (all optional):
 *
 * <ul>
 *   <li>{@code store}: a folder (an append-only store on this server's disk; relative to James's
 *       working directory), or {@code kafka:TOPIC@HOST:PORT,...} for a Kafka topic that several
 *       servers share; default {@code var/spamgpt-feedback}. {@code <kafka>} holds extra Kafka
 *       client settings, such as {@code <security.protocol>SSL</security.protocol>}; {@code
 *       kafkaTimeoutSeconds} bounds one write (default 30).
 *   <li>{@code spamMailbox}, {@code trashMailbox}: the mailbox names; default {@code Spam} and
 *       {@code Trash}.
 *   <li>{@code user}: {@code hash} (default) writes each user as {@code sha256:<hex>} of the
 *       lower-case address, salted with {@code userSalt} if set; {@code keep} writes the address.
 *   <li>{@code maxBytes}: the most bytes of each message kept and read, as the mailet's {@code
 *       maxBytes}; default 262144. {@code maxTokens}: bounds the extracted text as the mailet's
 *       does; default 1024 (keep it at or above the bundle's).
 *   <li>{@code statusHeaderName}, {@code modelHeaderName}: the mailet's per-recipient headers, read
 *       back from the stored message for the verdict, score and model it got at delivery.
 *   <li>{@code implicitHamAfter}: off unless set. An ISO-8601 duration such as {@code P7D}: mail
 *       still in a user's INBOX that long after it arrived becomes an implicit ham report (see
 *       {@link ImplicitHamSweep}); a user's own move of the same message outranks it in the
 *       trainer. {@code implicitHamEvery}: how often to look, default {@code PT1H}. {@code
 *       implicitHamState}: the file that remembers the last look, default {@code
 *       var/spamgpt-implicit-ham.state}.
 * </ul>
 *
 * <p>It never slows or fails delivery or IMAP. James 3.8.1's in-VM event bus runs group listeners
 * inside the command that moved the message, even asynchronous ones, and retries a failed one there
 * too (measured: a store that refused every report held each IMAP MOVE for about 25 s). So the
 * listener only queues the move ({@code queueCapacity}, default 1000; a move that finds the queue
 * full is dropped and counted) and one thread of its own reads the messages and stores the reports
 * once the user has paused: no move for {@code delayMillis} (default 200), or at the latest {@code
 * maxDelayMillis} (default 10000) after the oldest waiting move. A refused report is retried
 * ({@code retries}, default 5, backing off from {@code retryBackoffMillis}, default 1000, doubling
 * up to a minute); each failure is logged and counted ({@code
 * spamgpt_feedback_failures_total{reason="store"}}, and {@code reason="gave_up"} when the retries
 * run out). A retried move writes reports with the same ids, which the stores keep once. A message
 * that cannot be read is logged, counted ({@code reason="read"}) and skipped.
 */
public class SpamGptFeedbackListener implements EventListener.GroupEventListener {

    /** The listener's event-bus group: James keeps its retries and dead letters under it. */
    public static class SpamGptFeedbackGroup extends Group {}

    private static final Logger LOGGER = LoggerFactory.getLogger(SpamGptFeedbackListener.class);
    private static final Group GROUP = new SpamGptFeedbackGroup();

    private final FeedbackSettings settings;
    private final MailboxManager mailboxManager;
    private final MailboxSessionMapperFactory mapperFactory;
    private final FeedbackStore store;
    private final MessageText.Limits limits;
    private final FeedbackMetrics metrics;
    private final ScheduledExecutorService worker;
    private final AtomicInteger pending = new AtomicInteger();
    private final Queue<MessageMoveEvent> queue = new ConcurrentLinkedQueue<>();
    private final Object drainLock = new Object();
    private ScheduledFuture<?> drain; // guarded by drainLock
    private long oldestQueued; // guarded by drainLock

    /**
     * Called by James with the listener's {@code <configuration>}.
     *
     * @param configuration the {@code <configuration>} element
     * @param mailboxManager James's mailbox manager
     * @param mapperFactory James's mailbox store
     * @param users James's users, walked by the implicit ham sweep
     * @throws IOException if the feedback folder cannot be created
     */
    @Inject
    public SpamGptFeedbackListener(
            HierarchicalConfiguration<ImmutableNode> configuration,
            MailboxManager mailboxManager,
            MailboxSessionMapperFactory mapperFactory,
            UsersRepository users)
            throws IOException {
        this(
                FeedbackSettings.from(configuration),
                mailboxManager,
                mapperFactory,
                users,
                MetricsEndpoint.registry());
    }

    SpamGptFeedbackListener(
            FeedbackSettings settings,
            MailboxManager mailboxManager,
            MailboxSessionMapperFactory mapperFactory,
            UsersRepository users,
            MeterRegistry registry)
            throws IOException {
        this.settings = settings;
        this.mailboxManager = mailboxManager;
        this.mapperFactory = mapperFactory;
        this.limits = SpamGptEngine.limits(settings.maxBytes, settings.maxTokens);
        this.metrics = new FeedbackMetrics(registry);
        this.worker =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread t = new Thread(runnable, "spamgpt-feedback");
                            t.setDaemon(true);
                            return t;
                        });
        String spec = settings.store;
        if (!settings.isKafka()) {
            Path folder = Paths.get(spec).toAbsolutePath();
            spec = folder.toString();
        }
        this.store = FeedbackStores.open(spec, settings.kafka, settings.kafkaTimeout);
        if (settings.implicitHamAfter != null) {
            ImplicitHamSweep sweep =
                    new ImplicitHamSweep(
                            settings.implicitHamAfter,
                            Paths.get(settings.implicitHamState).toAbsolutePath(),
                            settings.maxBytes,
                            users,
                            mailboxManager);
            long every = settings.implicitHamEvery.toMillis();
            // On the worker thread, so that sweeps and moves never store at the same time.
            worker.scheduleWithFixedDelay(() -> runSweep(sweep), 0, every, TimeUnit.MILLISECONDS);
            LOGGER.info(
                    "SpamGPT feedback listener: mail still in INBOX after {} becomes implicit ham"
                            + " (checked every {})",
                    settings.implicitHamAfter,
                    settings.implicitHamEvery);
        }
        LOGGER.info(
                "SpamGPT feedback listener: moves into '{}' are spam reports, out of it (but not"
                        + " into '{}') ham reports, stored in {}",
                settings.spamMailbox,
                settings.trashMailbox,
                spec);
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    /**
     * Synchronous: {@link #event} only queues, and the bus's asynchronous mode would send every
     * event to another thread and wait for it there (measured: MOVE and delivery slower).
     */
    @Override
    public ExecutionMode getExecutionMode() {
        return ExecutionMode.SYNCHRONOUS;
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof MessageMoveEvent && !event.isNoop();
    }

    /**
     * Queues the move for the listener's own thread and returns at once: James 3.8.1's in-VM event
     * bus runs a group listener, even an asynchronous one, inside the IMAP command that moved the
     * message, so any wait here would be the user's. The thread starts once no move has come for
     * {@code delayMillis}, or {@code maxDelayMillis} after the oldest waiting move, so that its
     * reading and writing fall between the user's commands rather than into them.
     */
    @Override
    public void event(Event event) {
        if (!(event instanceof MessageMoveEvent)) {
            return;
        }
        MessageMoveEvent move = (MessageMoveEvent) event;
        if (pending.incrementAndGet() > settings.queueCapacity) {
            pending.decrementAndGet();
            metrics.failure("queue_full");
            LOGGER.warn(
                    "SpamGPT feedback: dropped a move of {} ({} moves already wait; raise"
                            + " queueCapacity)",
                    move.getUsername().asString(),
                    settings.queueCapacity);
            return;
        }
        queue.add(move);
        synchronized (drainLock) {
            long now = System.nanoTime();
            if (drain == null) {
                oldestQueued = now;
            } else if (now - oldestQueued + delayNanos() < maxDelayNanos()) {
                drain.cancel(false); // quiet for delayMillis after the last move, not the first
            } else {
                return; // the oldest move has waited long enough: the drain keeps its time
            }
            try {
                drain =
                        worker.schedule(
                                this::drainQueue, settings.delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                drain = null; // closed: the queue is dropped with the listener
            }
        }
    }

    private long delayNanos() {
        return TimeUnit.MILLISECONDS.toNanos(settings.delayMillis);
    }

    private long maxDelayNanos() {
        return TimeUnit.MILLISECONDS.toNanos(settings.maxDelayMillis);
    }

    /** Handles every queued move, on the worker thread. */
    private void drainQueue() {
        synchronized (drainLock) {
            drain = null;
        }
        MessageMoveEvent next;
        while ((next = queue.poll()) != null) {
            try {
                handleWithRetries(next);
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    private void runSweep(ImplicitHamSweep sweep) {
        try {
            sweep.sweep(Instant.now(), this::implicitHam);
        } catch (Exception | StackOverflowError e) {
            Failures.requireNonFatal(e);
            metrics.failure("implicit_sweep");
            LOGGER.warn(
                    "SpamGPT feedback: the implicit ham sweep failed (the next one covers its"
                            + " window again): {}",
                    e.toString());
        }
    }

    private void handleWithRetries(MessageMoveEvent move) {
        long backoff = settings.retryBackoffMillis;
        for (int attempt = 1; ; attempt++) {
            try {
                handle(move);
                return;
            } catch (Exception | StackOverflowError e) {
                Failures.requireNonFatal(e);
                if (attempt > settings.retries) {
                    metrics.failure("gave_up");
                    LOGGER.error(
                            "SpamGPT feedback: gave up on a move of {} after {} attempts: {}",
                            move.getUsername().asString(),
                            attempt,
                            e.toString());
                    return;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 60_000);
            }
        }
    }

    private void handle(MessageMoveEvent move) throws Exception {
        Username user = move.getUsername();
        MailboxSession session = mailboxManager.createSystemSession(user);
        try {
            Optional<MailboxId> spam = mailboxId(user, settings.spamMailbox, session);
            if (spam.isEmpty()) {
                return;
            }
            Optional<MailboxId> trash = mailboxId(user, settings.trashMailbox, session);
            MessageMoves moves = move.getMessageMoves();
            FeedbackLabel label;
            String from;
            String to;
            if (moves.addedMailboxIds().contains(spam.get())) {
                label = FeedbackLabel.SPAM;
                from =
                        nameOf(
                                first(moves.removedMailboxIds(), moves.getPreviousMailboxIds()),
                                session);
                to = settings.spamMailbox;
            } else if (moves.removedMailboxIds().contains(spam.get())
                    && !moves.addedMailboxIds().isEmpty()
                    && !(trash.isPresent() && moves.addedMailboxIds().contains(trash.get()))) {
                label = FeedbackLabel.HAM;
                from = settings.spamMailbox;
                to = nameOf(first(moves.addedMailboxIds(), Set.of()), session);
            } else {
                return;
            }
            report(move, label, from, to, session);
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    private void report(
            MessageMoveEvent move,
            FeedbackLabel label,
            String from,
            String to,
            MailboxSession session)
            throws IOException {
        Set<String> done = new HashSet<>();
        for (MailboxMessage message :
                mapperFactory
                        .getMessageIdMapper(session)
                        .find(move.getMessageIds(), MessageMapper.FetchType.FULL)) {
            String messageId = message.getMessageId().serialize();
            if (!done.add(messageId)) {
                continue; // the same message in two mailboxes: one report
            }
            FeedbackReport report =
                    readOrSkip(
                            messageId,
                            move.getUsername(),
                            () -> {
                                byte[] raw;
                                try (InputStream in = message.getFullContent()) {
                                    raw = in.readNBytes(settings.maxBytes);
                                }
                                String id =
                                        Sha256.ofBytes(
                                                (move.getEventId().getId() + "\n" + messageId)
                                                        .getBytes(StandardCharsets.UTF_8));
                                return build(
                                        id,
                                        move.getUsername(),
                                        raw,
                                        message.getFullContentOctets(),
                                        label,
                                        from,
                                        to,
                                        false);
                            });
            if (report != null) {
                store(report);
            }
        }
    }

    private void store(FeedbackReport report) throws IOException {
        try {
            store.append(report);
        } catch (IOException | RuntimeException e) {
            metrics.failure("store");
            LOGGER.warn(
                    "SpamGPT feedback: could not store the {} report {} (retrying): {}",
                    report.label().wireName(),
                    report.id(),
                    e.toString());
            throw e;
        }
        metrics.report(report.label(), report.alreadyKnown(), report.implicit());
    }

    /** One implicit ham report for a message that stayed in INBOX; its id is the message's. */
    private void implicitHam(Username user, MessageResult message, byte[] raw) throws IOException {
        String messageId = message.getMessageId().serialize();
        String id = Sha256.ofBytes(("implicit\n" + messageId).getBytes(StandardCharsets.UTF_8));
        FeedbackReport report =
                readOrSkip(
                        messageId,
                        user,
                        () ->
                                build(
                                        id,
                                        user,
                                        raw,
                                        message.getSize(),
                                        FeedbackLabel.HAM,
                                        MailboxConstants.INBOX,
                                        MailboxConstants.INBOX,
                                        true));
        if (report != null) {
            store(report);
        }
    }

    /** Reads a message into a report. */
    private interface ReportReader {
        FeedbackReport read() throws IOException;
    }

    /** The report, or null when the message cannot be read: that is logged, counted, skipped. */
    private FeedbackReport readOrSkip(String messageId, Username user, ReportReader reader) {
        try {
            return reader.read();
        } catch (IOException | RuntimeException | StackOverflowError e) {
            Failures.requireNonFatal(e);
            metrics.failure("read");
            LOGGER.warn(
                    "SpamGPT feedback: skipped message {} of {}: cannot read it: {}",
                    messageId,
                    user.asString(),
                    e.toString());
            return null;
        }
    }

    private FeedbackReport build(
            String id,
            Username user,
            byte[] raw,
            long rawBytes,
            FeedbackLabel label,
            String from,
            String to,
            boolean implicit)
            throws IOException {
        MessageText.Result text = MessageText.fromMime(raw, limits);
        DeliveryHeaders delivery =
                DeliveryHeaders.read(raw, settings.statusHeader, settings.modelHeader);
        return FeedbackReport.builder()
                .id(id)
                .label(label)
                .implicit(implicit)
                .user(settings.user(user.asString()))
                .reportedAt(Instant.now().toString())
                .fromMailbox(from)
                .toMailbox(to)
                .deliveryVerdict(delivery.verdict())
                .deliveryScore(delivery.score())
                .deliveryModel(delivery.model())
                .alreadyKnown(delivery.agreesWith(label))
                .text(text.text())
                .textTruncated(text.truncated())
                .rawBytes(rawBytes)
                .raw(raw)
                .build();
    }

    private Optional<MailboxId> mailboxId(Username user, String name, MailboxSession session) {
        try {
            return Optional.of(
                    mailboxManager.getMailbox(MailboxPath.forUser(user, name), session).getId());
        } catch (MailboxException e) {
            return Optional.empty(); // no such mailbox for this user: nothing moves in or out
        }
    }

    private String nameOf(Optional<MailboxId> id, MailboxSession session) {
        if (id.isEmpty()) {
            return null;
        }
        try {
            return mailboxManager.getMailbox(id.get(), session).getMailboxPath().getName();
        } catch (MailboxException e) {
            return null;
        }
    }

    private static Optional<MailboxId> first(Set<MailboxId> preferred, Set<MailboxId> otherwise) {
        if (!preferred.isEmpty()) {
            return Optional.of(preferred.iterator().next());
        }
        return otherwise.stream().findFirst();
    }

    /** Stops the worker and closes the store (James does not call this; tests do). */
    void close() throws IOException {
        worker.shutdownNow();
        store.close();
    }
}
