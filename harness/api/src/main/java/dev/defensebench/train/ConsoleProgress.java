package dev.defensebench.train;

import dev.defensebench.spi.ProgressListener;
import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress on the terminal: a live bar when standard error is a console, otherwise (CI, redirected
 * output) a log line every {@code logEvery} so logs stay readable.
 */
public final class ConsoleProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);

    private final boolean interactive;
    private final Duration logEvery;
    private ProgressBar bar;

    public ConsoleProgress() {
        this(System.console() != null, Duration.ofSeconds(15));
    }

    public ConsoleProgress(boolean interactive, Duration logEvery) {
        this.interactive = interactive;
        this.logEvery = logEvery;
    }

    @Override
    public void start(String task, long total) {
        closeBar();
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setMaxRenderedLength(150)
                .showSpeed();
        if (!interactive) {
            builder.setConsumer(new DelegatingProgressBarConsumer(LOG::info, 150))
                    .setUpdateIntervalMillis((int) logEvery.toMillis())
                    .continuousUpdate();
        }
        bar = builder.build();
    }

    @Override
    public void advance(long steps, String status) {
        if (bar != null) {
            bar.stepBy(steps);
            bar.setExtraMessage(status);
        }
    }

    @Override
    public void finish(String summary) {
        closeBar();
        LOG.info(summary);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
