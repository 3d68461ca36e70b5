/**
 * TEMPORARY stand-ins for core and data classes that other branches are landing on main
 * ({@code Gpt2Tokenizer}, {@code TokenBatch}, {@code Pooling}, {@code DatasetCsv}, ...). Same
 * names and signatures as announced; this package is deleted after {@code git merge main}.
 */
package dev.spamgpt.trainer.pending;
