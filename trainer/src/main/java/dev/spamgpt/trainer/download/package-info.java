/**
 * Downloads over HTTP for the command line: a resumable, size-capped and hash-checked file
 * download, and the base-model cache in front of the Hugging Face hub.
 */
package dev.spamgpt.trainer.download;
