package dev.spamgpt.streams.topology;

/** Where the classify step sends a record. */
public enum Route {
    /** Scored at or above the threshold. */
    SPAM,
    /** Scored below the threshold. */
    HAM,
    /** Could not be classified: goes to the dead-letter topic. */
    DEAD_LETTER
}
