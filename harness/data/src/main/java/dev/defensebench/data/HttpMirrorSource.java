package dev.defensebench.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads {@code BASE/NAME} (or {@code BASE/NAME.gz}, gunzipped, for a gzipped mirror) over HTTP(S),
 * with a 10 s connect timeout, following redirects, and a progress bar on stderr when the size is known.
 */
public final class HttpMirrorSource implements DataSource {

    private static final Logger LOG = LoggerFactory.getLogger(HttpMirrorSource.class);
    /** Connect timeout of the shared client. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final boolean gzipped;
    private final HttpClient client;

    /**
     * @param base    base URL ending with {@code /}; the file name is appended
     * @param gzipped whether the mirror serves {@code NAME.gz} (decompressed while saving)
     * @param client  the HTTP client to use
     */
    public HttpMirrorSource(URI base, boolean gzipped, HttpClient client) {
        Objects.requireNonNull(base, "base");
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.gzipped = gzipped;
        this.client = Objects.requireNonNull(client, "client");
    }

    /** A mirror serving {@code NAME.gz} under {@code baseUrl}. */
    public static HttpMirrorSource gzipped(String baseUrl) {
        return new HttpMirrorSource(URI.create(baseUrl), true, defaultClient());
    }

    /** A mirror serving {@code NAME} as it is under {@code baseUrl}. */
    public static HttpMirrorSource plain(String baseUrl) {
        return new HttpMirrorSource(URI.create(baseUrl), false, defaultClient());
    }

    /** A client with the 10 s connect timeout that follows redirects (but never from HTTPS to HTTP). */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public String describe() {
        return "HTTPS mirror " + base + (gzipped ? " (NAME.gz)" : "");
    }

    @Override
    public void fetch(String fileName, Path target) throws IOException {
        URI uri = base.resolve(fileName + (gzipped ? ".gz" : ""));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(RESPONSE_TIMEOUT)
                .header("User-Agent", "defense-bench")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + uri);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + uri);
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
            long start = System.nanoTime();
            if (length > 0) {
                try (ProgressBar bar = new ProgressBarBuilder()
                        .setTaskName(fileName)
                        .setInitialMax(length)
                        .setUnit("MiB", 1 << 20)
                        .setUpdateIntervalMillis(500)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err))
                        .showSpeed()
                        .build()) {
                    save(new CountingInputStream(body, bar), target, uri);
                }
            } else {
                LOG.info("Downloading {} (size unknown)", uri);
                save(body, target, uri);
            }
            LOG.info("Downloaded {}: {} bytes in {} ms", uri, Files.size(target),
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    private void save(InputStream in, Path target, URI uri) throws IOException {
        if (gzipped) {
            try (InputStream gz = new GZIPInputStream(in, 1 << 16)) {
                Files.copy(gz, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new IOException(uri + " did not deliver valid gzip data: " + e.getMessage(), e);
            }
        } else {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Advances a progress bar by the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {
        private final ProgressBar bar;

        CountingInputStream(InputStream in, ProgressBar bar) {
            super(in);
            this.bar = bar;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bar.step();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bar.stepBy(n);
            }
            return n;
        }
    }
}
