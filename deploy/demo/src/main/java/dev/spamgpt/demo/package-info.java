/**
 * The quick-start demo behind {@code ./spamgpt demo}: the driver that starts the streams filter and
 * a James with the mailet on ports it chooses, and the Kafka and mail clients that send the test
 * messages and record where each one went. Not shipped in any image.
 */
package dev.spamgpt.demo;
