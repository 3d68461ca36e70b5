/**
 * A single-node KRaft broker inside the filter's JVM, for {@code --embedded-broker}: trying the
 * filter without a Kafka cluster.
 */
package dev.spamgpt.streams.broker;
