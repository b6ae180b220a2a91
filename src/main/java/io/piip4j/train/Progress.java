package io.piip4j.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The per-epoch progress bar: images done, images/s, ETA, running loss and accuracy. On a
 * terminal it redraws in place; into a file (a background run's log) it prints a line every
 * {@code logEverySeconds} instead, so logs stay readable. Quiet mode prints nothing.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    public Progress(String task, long images, long done, boolean quiet, PrintStream out) {
        if (quiet) {
            bar = null;
            return;
        }
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(images).setUnit(" img", 1)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120).startsFrom(done, java.time.Duration.ZERO);
        if (System.console() != null) {
            b.setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(500);
        } else {
            b.setConsumer(new DelegatingProgressBarConsumer(out::println, 120)).setUpdateIntervalMillis(30_000);
        }
        bar = b.build();
    }

    void step(long images, double loss, double accuracy) {
        if (bar != null) {
            bar.stepBy(images);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f acc %.2f%%", loss, 100 * accuracy));
        }
    }

    /** {@code images} more done; {@code message} follows the bar (running losses, say). */
    public void step(long images, String message) {
        if (bar != null) {
            bar.stepBy(images);
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
