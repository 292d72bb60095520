package io.tokenflow.demo;

import java.util.ArrayDeque;

/**
 * The accepted work of one site × class, first in first out: each step's accepted arrivals are one
 * batch (tokens, what serving them costs, how many of them came within the latency limit), and a step
 * serves up to its capacity from the oldest batch on. A request's cost is booked when it is served, so
 * tokens still waiting at the end of the window are neither served nor costed.
 */
final class SiteQueue {
    /** What one step did: tokens served and their cost and within-latency part, tokens rejected. */
    record Step(double servedTokens, double servedCost, double servedWithinLatency, double rejectedTokens) {}

    /** {tokens, cost $, within-latency tokens}; the amounts of a batch stay proportional as it is cut. */
    private final ArrayDeque<double[]> batches = new ArrayDeque<>();
    private double tokens;

    /**
     * Takes a step's arrivals, serves up to {@code capacity} tokens oldest first, then rejects what is left
     * beyond {@code bound}, newest first (so the step's arrivals before queued work).
     */
    Step step(double arrived, double arrivedCost, double arrivedWithin, double capacity, double bound) {
        if (arrived > 0) {
            batches.addLast(new double[] {arrived, arrivedCost, arrivedWithin});
            tokens += arrived;
        }
        double servedTokens = 0;
        double servedCost = 0;
        double servedWithin = 0;
        double room = capacity;
        while (room > 0 && !batches.isEmpty()) {
            double[] head = batches.peekFirst();
            double take = Math.min(room, head[0]);
            double[] part = cut(head, take, true);
            servedTokens += part[0];
            servedCost += part[1];
            servedWithin += part[2];
            room -= take;
        }
        double rejected = 0;
        while (tokens - bound > 1e-6 && !batches.isEmpty()) { // token counts are whole numbers: no rounding to reject
            double[] tail = batches.peekLast();
            rejected += cut(tail, Math.min(tokens - bound, tail[0]), false)[0];
        }
        return new Step(servedTokens, servedCost, servedWithin, rejected);
    }

    /** Takes {@code amount} tokens off the head or the tail batch, with their share of its cost and within part. */
    private double[] cut(double[] batch, double amount, boolean head) {
        double[] part;
        if (amount >= batch[0]) {
            part = batch.clone();
            if (head) {
                batches.pollFirst();
            } else {
                batches.pollLast();
            }
        } else {
            double f = amount / batch[0];
            part = new double[] {amount, batch[1] * f, batch[2] * f};
            batch[0] -= amount;
            batch[1] -= part[1];
            batch[2] -= part[2];
        }
        tokens -= part[0];
        return part;
    }

    /** Tokens accepted and not yet served. */
    double tokens() {
        return batches.isEmpty() ? 0 : tokens;
    }
}
