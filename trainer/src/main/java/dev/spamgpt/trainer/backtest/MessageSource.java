package dev.spamgpt.trainer.backtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Consumer;

/** A source a backtest replays: every message once, in source order, none kept. */
public interface MessageSource {

    /**
     * @return what it is, for the report: {@code mail folder}, {@code csv}, {@code feedback}...
     */
    String kind();

    /**
     * @return whether it is mail, whose backtest writes an HTML page of the flips by default
     */
    boolean isMail();

    /**
     * Hands every message to {@code sink}.
     *
     * @param sink takes each message; what it throws ends the replay
     * @param warnings receives a line for each problem worth telling
     * @throws IOException if the source cannot be read
     */
    void replay(Consumer<BacktestMessage> sink, PrintWriter warnings) throws IOException;

    /**
     * @return how many records could not be used (malformed, undecodable, empty)
     */
    long problems();

    /**
     * @return how many inputs were not messages at all and were passed over
     */
    long skipped();

    /**
     * @return what was read, for the JSON report
     */
    Map<String, Object> summary();
}
