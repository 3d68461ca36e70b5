/**
 * The routing: {@link dev.spamgpt.streams.topology.SpamFilterTopology#build} is the one pure
 * topology builder; the classify processor micro-batches records and sends each to the ham, spam or
 * dead-letter topic.
 */
package dev.spamgpt.streams.topology;
