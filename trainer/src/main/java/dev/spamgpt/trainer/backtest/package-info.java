/**
 * Replays a message source through a candidate model and, optionally, the model in service: where
 * each puts each message, the error rates where labels exist, and the messages whose verdict flips.
 * Everything streams, so the memory a backtest takes does not grow with the source.
 */
package dev.spamgpt.trainer.backtest;
