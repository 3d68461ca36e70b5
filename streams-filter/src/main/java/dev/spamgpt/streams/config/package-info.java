/**
 * The filter's settings: picocli mixins, one per concern, each turned into the object that checks
 * it, and the layering of flags over environment variables over a config file.
 */
package dev.spamgpt.streams.config;
