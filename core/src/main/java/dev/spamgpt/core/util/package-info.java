/** Small shared helpers: console progress bar and SHA-256 digests. */
package dev.spamgpt.core.util;
