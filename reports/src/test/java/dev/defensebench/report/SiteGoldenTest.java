package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site of a fixed fixture run (three entries, sanity checks, timing, gallery, one earlier run for the
 * changes and trends) is byte for byte the committed one under {@code golden/}, which was rendered at c432c96,
 * before the pages were built from typed views (with {@link SiteFixture}'s card maps in their present, fixed
 * order): a change of a page's text, order or number formatting fails here. On a
 * mismatch the site as rendered is left in {@code target/golden-actual} for a {@code diff -r}.
 */
class SiteGoldenTest {

    private static final String GOLDEN = "golden/";
    private static final List<String> FILES = List.of(Site.INDEX, Site.SUMMARY, OutputLayout.RESULTS,
            "entries/deep-defense-lenet-s0.html", "entries/vanilla-lenet-s0.html", "entries/img-src-x-onerror-alert-1-63b586b4.html");

    @TempDir
    Path dir;

    @Test
    void theFixtureSiteIsTheCommittedOne() throws IOException {
        Path site = render();
        try (Stream<Path> written = Files.walk(site)) {
            assertThat(written.filter(Files::isRegularFile).map(p -> site.relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrderElementsOf(FILES);
        }
        Path actual = Path.of("target", "golden-actual");
        List<String> differing = new ArrayList<>();
        for (String file : FILES) {
            String rendered = Files.readString(site.resolve(file), StandardCharsets.UTF_8);
            if (!rendered.equals(expected(file))) { // (also when the committed page is missing: expected is null)
                differing.add(file);
                Files.createDirectories(actual.resolve(file).getParent());
                Files.writeString(actual.resolve(file), rendered, StandardCharsets.UTF_8);
            }
        }
        assertThat(differing).as("pages that differ from " + GOLDEN + " (as rendered: %s)", actual.toAbsolutePath())
                .isEmpty();
    }

    private Path render() throws IOException {
        Path results = SiteFixture.write(dir.resolve("run"), SiteFixture.ENTRIES, true, true, true, 1, 1,
                Instant.parse("2026-11-25T12:00:00Z"));
        Path previous = SiteFixture.write(dir.resolve("previous"), SiteFixture.ENTRIES.subList(0, 2), true, true, true,
                1.3, 0.5, Instant.parse("2026-11-24T12:00:00Z"));
        Path site = dir.resolve("site");
        Site.write(ResultSet.read(results), List.of(ResultSet.read(previous)), site, Instant.parse("2026-11-25T12:34:56Z"));
        return site;
    }

    /** The committed page, or null when there is none. */
    private static String expected(String file) throws IOException {
        try (InputStream in = SiteGoldenTest.class.getResourceAsStream(GOLDEN + file)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
