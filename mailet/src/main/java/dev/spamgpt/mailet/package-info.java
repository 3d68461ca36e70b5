/**
 * SpamGPT for Apache James 3.8.1: the {@link dev.spamgpt.mailet.SpamGptClassifier} mailet marks
 * spam with per-recipient headers for the stock {@code IsMarkedAsSpam} matcher, and the {@link
 * dev.spamgpt.mailet.IsSpamGpt} matcher matches on the score.
 */
package dev.spamgpt.mailet;
