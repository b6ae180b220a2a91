package io.piip4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of {@code piip eval} on the error stream (stdout stays the result): images done,
 * images/s, ETA and the running top-1. On a terminal it redraws in place; into a log it prints a
 * line every 30 s.
 */
final class EvalProgress implements AutoCloseable {
    private final ProgressBar bar;

    EvalProgress(long images, boolean quiet, PrintStream out) {
        if (quiet) {
            bar = null;
            return;
        }
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("eval").setInitialMax(images).setUnit(" img", 1)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120);
        b = System.console() != null ? b.setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(500)
                : b.setConsumer(new DelegatingProgressBarConsumer(out::println, 120)).setUpdateIntervalMillis(30_000);
        bar = b.build();
    }

    void step(double top1) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, " top-1 %.2f%%", 100 * top1));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
