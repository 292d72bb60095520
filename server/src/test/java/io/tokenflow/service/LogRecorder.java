package io.tokenflow.service;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A java.util.logging handler that keeps every record it is given, for tests that assert what was (or was
 * not) logged; attach it to a logger and detach it with {@code removeHandler}. Thread-safe: servers log
 * from their own threads.
 */
public final class LogRecorder extends Handler {
    private final List<LogRecord> records = new ArrayList<>();

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** What was logged so far, oldest first. */
    public synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }
}
