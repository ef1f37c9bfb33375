package dev.defensebench.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts {@code .tar} and {@code .tar.gz} archives (gzip recognised by content) into a directory,
 * refusing every entry that would land outside it: {@code ../} paths, absolute paths, symbolic or hard
 * links whose target lies outside, and writes through links created earlier that lead outside.
 *
 * <p>Extraction stops at the first refused entry with an {@link UnsafeArchiveException}; entries before it
 * stay in the target directory (extract into a fresh temporary directory when that matters). Device files
 * and FIFOs are skipped with a warning.
 */
public final class SafeTar {

    private static final Logger LOG = LoggerFactory.getLogger(SafeTar.class);

    private SafeTar() {
    }

    /**
     * Extracts {@code archive} into {@code targetDir} (created if needed).
     *
     * @return the regular files written, in archive order
     * @throws UnsafeArchiveException naming the first entry that would escape {@code targetDir}
     */
    public static List<Path> extract(Path archive, Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        Path root = targetDir.toRealPath();
        List<Path> written = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(maybeGunzip(raw))) {
            List<Path> links = new ArrayList<>();
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                Path dest = resolveInside(archive, root, name, name, "its path");
                if (dest.equals(root)) {
                    continue; // the "./" entry
                }
                if (entry.isDirectory()) {
                    ensureDirectoryInside(archive, root, name, dest);
                } else if (entry.isSymbolicLink()) {
                    Path realParent = ensureDirectoryInside(archive, root, name, dest.getParent());
                    String linkName = entry.getLinkName();
                    if (linkName.startsWith("/") || linkName.startsWith("\\") || linkName.matches("^[A-Za-z]:.*")
                            || Path.of(linkName).isAbsolute()) {
                        throw new UnsafeArchiveException(archive.toString(), name,
                                "symbolic link to the absolute path '" + linkName + "'");
                    }
                    Path link = Path.of(linkName);
                    if (!realParent.resolve(link).normalize().startsWith(root)) {
                        throw new UnsafeArchiveException(archive.toString(), name,
                                "symbolic link to '" + linkName + "' points outside " + root);
                    }
                    Files.deleteIfExists(dest);
                    Files.createSymbolicLink(dest, link);
                    links.add(dest);
                    if (Files.exists(dest)) {
                        checkLinkResolvesInside(archive, root, name, dest);
                    }
                } else if (entry.isLink()) {
                    String linkName = entry.getLinkName();
                    Path existing = resolveInside(archive, root, name, linkName, "hard link target '" + linkName + "'");
                    ensureDirectoryInside(archive, root, name, dest.getParent());
                    if (!Files.isRegularFile(existing) || !existing.toRealPath().startsWith(root)) {
                        throw new UnsafeArchiveException(archive.toString(), name, "hard link to '" + linkName
                                + "', which is not an extracted regular file inside " + root);
                    }
                    Files.deleteIfExists(dest);
                    Files.createLink(dest, existing.toRealPath());
                    written.add(dest);
                } else if (entry.isFile()) {
                    ensureDirectoryInside(archive, root, name, dest.getParent());
                    Files.deleteIfExists(dest); // never write through an existing link
                    Files.copy(tar, dest, StandardCopyOption.REPLACE_EXISTING);
                    written.add(dest);
                } else {
                    LOG.warn("{}: skipping entry '{}' (neither a file, a directory nor a link)", archive, name);
                }
            }
            for (Path link : links) {
                String name = root.relativize(link).toString();
                if (!Files.exists(link)) {
                    Path target = Files.readSymbolicLink(link);
                    Files.deleteIfExists(link);
                    throw new UnsafeArchiveException(archive.toString(), name,
                            "symbolic link to '" + target + "' resolves to nothing in the archive");
                }
                checkLinkResolvesInside(archive, root, name, link);
            }
        }
        return written;
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    /**
     * The normalized location of {@code path} (an entry's name or a hard link's target) under the root,
     * refusing the entry {@code name} when it is absolute or leaves the root.
     */
    private static Path resolveInside(Path archive, Path root, String name, String path, String what)
            throws UnsafeArchiveException {
        if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*") || Path.of(path).isAbsolute()) {
            throw new UnsafeArchiveException(archive.toString(), name, what + " is absolute");
        }
        Path dest = root.resolve(path).normalize();
        if (!dest.startsWith(root)) {
            throw new UnsafeArchiveException(archive.toString(), name, what + " leaves the target directory " + root);
        }
        return dest;
    }

    /**
     * Creates {@code dir} (and its parents) after checking that its nearest existing ancestor, with links
     * resolved, lies inside the root; returns its real path, also checked.
     */
    private static Path ensureDirectoryInside(Path archive, Path root, String name, Path dir) throws IOException {
        Path existing = dir;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path real = existing.toRealPath();
        if (!real.startsWith(root)) {
            throw new UnsafeArchiveException(archive.toString(), name,
                    "it would be written through a link to " + real + ", outside " + root);
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        real = dir.toRealPath();
        if (!real.startsWith(root)) {
            throw new UnsafeArchiveException(archive.toString(), name,
                    "it would be written through a link to " + real + ", outside " + root);
        }
        return real;
    }

    /** Deletes the link and refuses the entry when the link, followed, leads outside the root. */
    private static void checkLinkResolvesInside(Path archive, Path root, String name, Path link) throws IOException {
        Path real = link.toRealPath();
        if (!real.startsWith(root)) {
            Files.deleteIfExists(link);
            throw new UnsafeArchiveException(archive.toString(), name,
                    "symbolic link resolves to " + real + ", outside " + root);
        }
    }
}
