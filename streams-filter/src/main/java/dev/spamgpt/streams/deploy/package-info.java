/**
 * What a container needs besides the filter itself: the health probe that images run as their
 * health check.
 */
package dev.spamgpt.streams.deploy;
