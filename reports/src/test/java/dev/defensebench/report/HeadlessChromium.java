package dev.defensebench.report;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the headless Chromium and chromedriver the browser tests drive: {@code $CHROMIUM} and
 * {@code $CHROMEDRIVER} when set, otherwise the usual names on the {@code PATH}. Where they are missing
 * the browser tests are skipped with the reason and the command that installs them, except under
 * {@code CI=true} (or {@code -Ddefensebench.requireBrowser=true}), where a missing browser is a
 * failure: CI must never pass without having looked at the board.
 */
final class HeadlessChromium {

    static final String INSTALL_HINT = "install Debian's chromium and chromium-driver (as root, ./run-tests does it; "
            + "or apt-get install chromium chromium-driver), or point $CHROMIUM and $CHROMEDRIVER at a Chromium "
            + "and its matching chromedriver";

    private HeadlessChromium() {}

    /** What the lookup found: both executables, or the reason the browser tests cannot run. */
    record Lookup(Optional<Binaries> binaries, String missingReason) {

        /**
         * Skips the calling test with the reason when the executables are missing. Called per test, not
         * per class: Surefire reports a class-level abort as zero tests run, which would look complete.
         */
        void assumeFound() {
            Assumptions.assumeTrue(binaries.isPresent(), missingReason);
        }
    }

    /** The two executables a browser test needs. */
    record Binaries(Path browser, Path driver) {}

    /** Looks both executables up; throws {@link AssertionError} when missing where the test is required. */
    static Lookup locate() {
        Optional<Path> browser = find("CHROMIUM", List.of("chromium", "chromium-browser", "google-chrome"));
        Optional<Path> driver = find("CHROMEDRIVER", List.of("chromedriver"));
        if (browser.isPresent() && driver.isPresent()) {
            return new Lookup(Optional.of(new Binaries(browser.get(), driver.get())), "");
        }
        String missing = browser.isEmpty() && driver.isEmpty() ? "Chromium and chromedriver"
                : browser.isEmpty() ? "Chromium" : "chromedriver";
        String reason = "browser test not run: " + missing + " not found; " + INSTALL_HINT;
        if (required()) {
            throw new AssertionError(reason + " (required here because CI=true or -Ddefensebench.requireBrowser=true)");
        }
        return new Lookup(Optional.empty(), reason);
    }

    private static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("defensebench.requireBrowser");
    }

    private static Optional<Path> find(String variable, List<String> names) {
        String explicit = System.getenv(variable);
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
