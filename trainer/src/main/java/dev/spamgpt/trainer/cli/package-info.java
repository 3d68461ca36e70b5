/**
 * The {@code spamgpt-trainer} command line: one picocli class per command ({@code download}, {@code
 * prepare}, {@code train}, {@code evaluate}, {@code classify}, {@code generate}) and the option
 * mixins they share.
 */
package dev.spamgpt.trainer.cli;
