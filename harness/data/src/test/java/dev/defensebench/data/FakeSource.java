package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An in-memory source that records what was asked of it. */
final class FakeSource implements DataSource {

    private final String name;
    private final Map<String, byte[]> files;
    private final String failure;
    final List<String> requests = new ArrayList<>();
    boolean closed;

    private FakeSource(String name, Map<String, byte[]> files, String failure) {
        this.name = name;
        this.files = files;
        this.failure = failure;
    }

    static FakeSource serving(String name, Map<String, byte[]> files) {
        return new FakeSource(name, files, null);
    }

    static FakeSource failing(String name, String failure) {
        return new FakeSource(name, Map.of(), failure);
    }

    @Override
    public String describe() {
        return "fake " + name;
    }

    @Override
    public void fetch(String fileName, Path target) throws IOException {
        requests.add(fileName);
        if (failure != null) {
            throw new IOException(failure);
        }
        byte[] content = files.get(fileName);
        if (content == null) {
            throw new NoSuchFileException(fileName, null, "not in " + name);
        }
        Files.write(target, content);
    }

    @Override
    public void close() {
        closed = true;
    }
}
