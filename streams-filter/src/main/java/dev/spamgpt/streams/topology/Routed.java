package dev.spamgpt.streams.topology;

/**
 * A record value tagged with its route. It only travels between the classify step and the branch
 * that unwraps it, inside one sub-topology, so it never needs a serde.
 *
 * @param route where the record goes
 * @param value the original value bytes, unchanged (null for a dead letter that drops an oversized
 *     value)
 */
public record Routed(Route route, byte[] value) {}
