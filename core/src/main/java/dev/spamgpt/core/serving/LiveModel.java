package dev.spamgpt.core.serving;

import dev.spamgpt.core.inference.SpamScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The model in service, which can be replaced while texts are being scored. A caller takes a {@link
 * Lease} for one batch and reads the probabilities, the threshold and the model id from that lease
 * alone, so a batch is scored and labelled by one model even when a swap lands in the middle. A
 * swap puts the new scorer in place at once; the old one is closed, freeing its native memory, when
 * the last lease on it is released.
 */
public final class LiveModel implements AutoCloseable {

    private final Object lock = new Object();
    private final List<Consumer<SpamScorer>> onSwap = new ArrayList<>();
    private Holder current; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param initial the first model; this object owns it from now on
     */
    public LiveModel(SpamScorer initial) {
        this.current = new Holder(initial);
    }

    /** A scorer and the leases on it. */
    private final class Holder {
        final SpamScorer scorer;
        int leases; // guarded by lock
        boolean retired; // guarded by lock

        Holder(SpamScorer scorer) {
            this.scorer = scorer;
        }
    }

    /** One caller's hold on a model: the model stays open until every lease on it is closed. */
    public final class Lease implements AutoCloseable {
        private final Holder holder;
        private boolean released; // guarded by lock

        private Lease(Holder holder) {
            this.holder = holder;
        }

        /**
         * @return the model this lease holds; do not use it after {@link #close()}
         */
        public SpamScorer scorer() {
            return holder.scorer;
        }

        /**
         * A second lease on the same model, for work handed to another thread that may outlive this
         * one (a call given up after a timeout goes on running).
         *
         * @return the new lease
         */
        public Lease share() {
            synchronized (lock) {
                if (released) {
                    throw new IllegalStateException("the lease is already released");
                }
                holder.leases++;
                return new Lease(holder);
            }
        }

        @Override
        public void close() {
            SpamScorer toClose = null;
            synchronized (lock) {
                if (released) {
                    return;
                }
                released = true;
                holder.leases--;
                if (holder.retired && holder.leases == 0) {
                    toClose = holder.scorer;
                }
            }
            if (toClose != null) {
                toClose.close();
            }
        }
    }

    /**
     * Takes a lease on the model in service.
     *
     * @return the lease; close it when the batch is done
     * @throws IllegalStateException once this object is closed
     */
    public Lease acquire() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the model is shut down");
            }
            current.leases++;
            return new Lease(current);
        }
    }

    /**
     * @return the model in service, for its id and threshold; score through a {@link Lease}
     */
    public SpamScorer current() {
        synchronized (lock) {
            return current.scorer;
        }
    }

    /**
     * Adds a callback that runs, on the swapping thread, after each {@link #swap}.
     *
     * @param listener receives the new model
     */
    public void onSwap(Consumer<SpamScorer> listener) {
        synchronized (lock) {
            onSwap.add(listener);
        }
    }

    /**
     * Puts a new model in service. Leases taken from now on hold it; the old model is closed once
     * the leases on it are released, at once if there are none.
     *
     * @param next the new model, loaded and warmed up; this object owns it from now on
     * @return the model it replaced (already closed, or closed later: do not use it)
     * @throws IllegalStateException once this object is closed (then {@code next} is closed too)
     */
    public SpamScorer swap(SpamScorer next) {
        Holder old;
        List<Consumer<SpamScorer>> listeners;
        synchronized (lock) {
            if (closed) {
                next.close();
                throw new IllegalStateException("the model is shut down");
            }
            old = current;
            current = new Holder(next);
            listeners = new ArrayList<>(onSwap);
        }
        retire(old);
        for (Consumer<SpamScorer> listener : listeners) {
            listener.accept(next);
        }
        return old.scorer;
    }

    /** Closes the model in service once its leases are released; later calls are refused. */
    @Override
    public void close() {
        Holder last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            last = current;
        }
        retire(last);
    }

    private void retire(Holder holder) {
        boolean idle;
        synchronized (lock) {
            holder.retired = true;
            idle = holder.leases == 0;
        }
        if (idle) {
            holder.scorer.close();
        }
    }
}
