/** Checks of the deployment files under {@code deploy/james/} that the James image ships. */
package dev.spamgpt.mailet.deploy;
