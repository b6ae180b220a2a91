package io.piip4j.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of a command over images on the error stream (stdout stays the result): images
 * done, images/s, ETA and a running figure (eval's top-1, the detections so far). On a terminal it
 * redraws in place; into a log it prints a line every 30 s. A quiet one draws nothing.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    Progress(String task, long images, boolean quiet, PrintStream out) {
        if (quiet) {
            bar = null;
            return;
        }
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(images).setUnit(" img", 1)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120);
        b = System.console() != null ? b.setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(500)
                : b.setConsumer(new DelegatingProgressBarConsumer(out::println, 120)).setUpdateIntervalMillis(30_000);
        bar = b.build();
    }

    /** One image done; {@code message} (or null) follows the bar. */
    void step(String message) {
        if (bar != null) {
            bar.step();
            if (message != null) {
                bar.setExtraMessage(message);
            }
        }
    }

    /** Replaces the message after the bar without a step (the windows of a large image). */
    void message(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
