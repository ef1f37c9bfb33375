package dev.defensebench.app.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an output directory for the length of a run, so that two runs never train into
 * the same {@code --out} at once: the operating system's lock on {@value #FILE} (released when the
 * process ends, however it ends), which holds the holder's PID for the second run's message. A merge
 * does not copy it.
 */
public final class OutputLock implements AutoCloseable {

    /** The lock file inside the output directory. */
    public static final String FILE = "run.lock";

    private final Path dir;
    private final boolean created;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(Path dir, boolean created, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.created = created;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created if needed) for this process.
     *
     * @throws IOException when {@code dir} exists and is not a directory, or naming the lock file and the PID of the run that holds it
     */
    public static OutputLock acquire(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir.toAbsolutePath() + ": exists and is not a directory; --out names the output "
                    + "directory (created if missing)");
        }
        boolean created = !Files.exists(dir);
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            channel.close();
            throw new IOException(file.toAbsolutePath() + ": another run (PID " + (holder.isEmpty() ? "unknown" : holder)
                    + ") is writing to " + dir.toAbsolutePath() + "; wait for it to finish, or use another --out");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        return new OutputLock(dir, created, channel, lock);
    }

    /**
     * Releases the lock. The file stays (deleting it could let two later runs lock two different files),
     * unless the lock created the directory and the run left nothing else in it (it failed before any work).
     */
    @Override
    public void close() throws IOException {
        channel.truncate(0);
        lock.release();
        channel.close();
        if (created) {
            try (var entries = Files.list(dir)) {
                if (entries.allMatch(p -> p.getFileName().toString().equals(FILE))) {
                    Files.deleteIfExists(dir.resolve(FILE));
                    Files.deleteIfExists(dir);
                }
            }
        }
    }
}
