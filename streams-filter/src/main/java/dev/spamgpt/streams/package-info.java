/**
 * The Kafka Streams filter as a process: the command line, the runtime that starts and stops it,
 * and the {@code KafkaStreams} service that runs the topology.
 */
package dev.spamgpt.streams;
