/**
 * Public mail corpora for {@code prepare}: the SpamAssassin public corpus, downloaded into a cache,
 * extracted without trusting the archives, checked against its documented layout and counts, and
 * read as labelled examples.
 */
package dev.spamgpt.trainer.corpus;
