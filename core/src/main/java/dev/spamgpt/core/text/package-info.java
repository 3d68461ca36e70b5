/** The MIME-to-text extraction shared by the trainer, the Kafka Streams filter and the mailet. */
package dev.spamgpt.core.text;
