/**
 * Dead letters: why a record could not be classified ({@link
 * dev.spamgpt.streams.deadletter.DeadLetterReason}), the one shape every dead letter has ({@link
 * dev.spamgpt.streams.deadletter.DeadLetters}), and the Kafka Streams exception handlers that send
 * deserialization, processing and production failures there too.
 */
package dev.spamgpt.streams.deadletter;
