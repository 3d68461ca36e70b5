/**
 * Micrometer meters of the filter and the HTTP server for {@code /metrics} and {@code /health/live}
 * and {@code /health/ready}.
 */
package dev.spamgpt.streams.metrics;
