/**
 * What runs in the demo's James JVM, whose class path holds James but not the mailet, core or DJL:
 * James loads those from {@code extensions-jars/}, as in production.
 */
package dev.spamgpt.demo.james;
