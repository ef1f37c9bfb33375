package dev.defensebench.app.cli;

import java.nio.file.Path;

/** A stand-in for a long run, for {@link OutputSafetyTest}: installs the interrupt notice, says "ready", waits. */
final class InterruptNoticeMain {

    private InterruptNoticeMain() {}

    public static void main(String[] args) throws InterruptedException {
        try (InterruptNotice notice = InterruptNotice.install(Path.of(args[0]), System.err)) {
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
