package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against an HTTP server on the loopback interface only: no network. */
class HttpMirrorSourceTest {

    private static final byte[] CONTENT = "idx bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] gz = TestFiles.gzip(CONTENT);
        server.createContext("/m/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = path.equals("/m/f.gz") ? gz : path.equals("/m/f") ? CONTENT : null;
            if (path.equals("/m/moved")) {
                exchange.getResponseHeaders().add("Location", "/m/f");
                exchange.sendResponseHeaders(302, -1);
            } else if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/m/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void downloadsAndGunzips() throws Exception {
        Path target = dir.resolve("out");
        new HttpMirrorSource(base, true, HttpMirrorSource.defaultClient()).fetch("f", target);
        assertThat(target).hasBinaryContent(CONTENT);
    }

    @Test
    void downloadsPlainFilesAndFollowsRedirects() throws Exception {
        Path target = dir.resolve("out");
        HttpMirrorSource plain = new HttpMirrorSource(base, false, HttpMirrorSource.defaultClient());
        plain.fetch("moved", target);
        assertThat(target).hasBinaryContent(CONTENT);
    }

    @Test
    void httpErrorsNameTheStatusAndUrl() {
        HttpMirrorSource source = new HttpMirrorSource(base, true, HttpMirrorSource.defaultClient());
        assertThatThrownBy(() -> source.fetch("missing", dir.resolve("out")))
                .hasMessageContaining("HTTP 404").hasMessageContaining(base + "missing.gz");
        assertThat(source.describe()).contains(base.toString());
    }
}
