/**
 * Labelled data for training: readers for the SMS collection, TSV/CSV, JSONL and mail folders,
 * balancing, the seeded 70/10/20 split and the dataset CSV format.
 */
package dev.spamgpt.trainer.data;
