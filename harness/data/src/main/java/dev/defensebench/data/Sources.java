package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Package helpers shared by the loaders: closing sources and recursive deletion. */
final class Sources {

    private static final Logger LOG = LoggerFactory.getLogger(Sources.class);

    private Sources() {
    }

    /** Closes every source, logging (not throwing) failures. */
    static void closeAll(List<? extends DataSource> sources) {
        for (DataSource s : sources) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not clean up after {}: {}", s.describe(), DataFetcher.reason(e));
            }
        }
    }

    /** Deletes a file or directory tree (not following links); a missing path is fine. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
