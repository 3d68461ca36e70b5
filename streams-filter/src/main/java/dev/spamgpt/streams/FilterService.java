package dev.spamgpt.streams;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.StreamsSettings;
import dev.spamgpt.streams.metrics.FilterMetrics;
import dev.spamgpt.streams.topology.Models;
import dev.spamgpt.streams.topology.SpamFilterTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running filter: the topology, its {@link KafkaStreams} instance and its meters. The command
 * line, the integration tests and the benchmark all run the filter through this class. It does not
 * own the scorer: whoever opened the model closes it, after {@link #close(Duration)}.
 */
public final class FilterService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FilterService.class);

    /**
     * A stream thread that dies is replaced, unless this many died within {@link
     * #REPLACEMENT_WINDOW}.
     */
    static final int MAX_REPLACEMENTS = 5;

    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final KafkaStreams streams;
    private final FilterMetrics metrics;
    private final KafkaStreamsMetrics streamsMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    // Guarded by itself, not by this: a dying stream thread must not wait for close(), which
    // waits for that thread.
    private final Deque<Long> recentDeaths = new ArrayDeque<>();
    private volatile boolean failed;
    private boolean closed;

    /**
     * Builds the filter (does not start it).
     *
     * @param filter topics, format, size limit and batching
     * @param kafka cluster and Streams settings
     * @param scorer the classifier
     * @param registry where to register the filter's and Kafka Streams' meters
     */
    public FilterService(
            FilterConfig filter, KafkaOptions kafka, SpamScorer scorer, MeterRegistry registry) {
        this(filter, kafka, Models.of(scorer), registry);
    }

    /**
     * Builds the filter around models that may be swapped while it runs (does not start it).
     *
     * @param filter topics, format, size limit and batching
     * @param kafka cluster and Streams settings
     * @param models the live model and an optional shadow; the caller closes them after {@link
     *     #close(Duration)}
     * @param registry where to register the filter's and Kafka Streams' meters
     */
    public FilterService(
            FilterConfig filter, KafkaOptions kafka, Models models, MeterRegistry registry) {
        this.metrics = new FilterMetrics(registry);
        Properties props = StreamsSettings.properties(kafka, filter, metrics);
        Topology topology = SpamFilterTopology.build(filter, models, metrics);
        LOG.debug("Topology:\n{}", topology.describe());
        this.streams = new KafkaStreams(topology, props);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.setUncaughtExceptionHandler(this::onThreadDeath);
        streams.setStateListener(
                (now, before) -> {
                    LOG.info("Kafka Streams state {} -> {}", before, now);
                    if (now == KafkaStreams.State.ERROR) {
                        failed = true;
                    }
                    if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                        stopped.countDown();
                    }
                });
    }

    /** Starts processing. */
    public void start() {
        streams.start();
    }

    /** Returns the current Kafka Streams state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Returns the filter's own meters. */
    public FilterMetrics metrics() {
        return metrics;
    }

    /**
     * Waits until Kafka Streams stops on its own (failure) or is closed.
     *
     * @return true if it stopped because it failed
     * @throws InterruptedException when interrupted
     */
    public boolean awaitStop() throws InterruptedException {
        stopped.await();
        return failed;
    }

    /**
     * Waits for the RUNNING state.
     *
     * @param timeout how long to wait
     * @return whether it got there in time
     * @throws InterruptedException when interrupted
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return false;
    }

    /**
     * Stops processing: the stream threads finish the record in hand, commit and leave the group.
     *
     * @param timeout how long to wait for the threads
     * @return whether everything stopped in time (only then may the scorer be closed)
     */
    public synchronized boolean close(Duration timeout) {
        if (closed) {
            return true;
        }
        closed = true;
        boolean clean =
                streams.close(
                        CloseOptions.timeout(timeout)
                                .withGroupMembershipOperation(
                                        CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
        stopped.countDown();
        if (!clean) {
            LOG.warn("Kafka Streams did not stop within {} s", timeout.toSeconds());
        }
        return clean;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onThreadDeath(
            Throwable error) {
        int deaths;
        synchronized (recentDeaths) {
            long now = System.nanoTime();
            recentDeaths.addLast(now);
            while (now - recentDeaths.peekFirst() > REPLACEMENT_WINDOW.toNanos()) {
                recentDeaths.removeFirst();
            }
            deaths = recentDeaths.size();
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        metrics.threadReplaced(root.getClass().getSimpleName());
        if (deaths > MAX_REPLACEMENTS) {
            LOG.error(
                    "{} stream threads died within {} min; shutting the filter down",
                    deaths,
                    REPLACEMENT_WINDOW.toMinutes(),
                    error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        // Under exactly-once the dead thread's transaction is aborted; its tasks restart from the
        // last commit and the buffer store on the replacement thread.
        LOG.error("A stream thread died; replacing it", error);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
