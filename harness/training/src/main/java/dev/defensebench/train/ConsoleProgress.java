package dev.defensebench.train;

import dev.defensebench.spi.ProgressListener;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress on the terminal: a live progress bar when there is a console, otherwise (CI, output
 * redirected to a file) one log line every {@code logEvery}, so logs stay short and readable.
 */
public final class ConsoleProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);

    private final boolean interactive;
    private final Duration logEvery;
    private ProgressBar bar;
    private String task;
    private long total;
    private long done;
    private long started;
    private long lastLog;

    public ConsoleProgress() {
        this(System.console() != null, Duration.ofSeconds(20));
    }

    public ConsoleProgress(boolean interactive, Duration logEvery) {
        this.interactive = interactive;
        this.logEvery = logEvery;
    }

    @Override
    public void start(String task, long total) {
        closeBar();
        this.task = task;
        this.total = total;
        this.done = 0;
        this.started = System.nanoTime();
        this.lastLog = started;
        if (interactive) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setMaxRenderedLength(160).build();
        }
    }

    @Override
    public void advance(long steps, String status) {
        done += steps;
        if (bar != null) {
            bar.stepBy(steps);
            bar.setExtraMessage(status);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLog >= logEvery.toNanos()) {
            lastLog = now;
            LOG.info(String.format(Locale.ROOT, "%s %3.0f%% (%d/%d, %.0f s) %s", task, 100.0 * done / Math.max(1, total),
                    done, total, (now - started) / 1e9, status));
        }
    }

    @Override
    public void finish(String summary) {
        closeBar();
        if (!summary.isEmpty()) {
            LOG.info(summary);
        }
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
