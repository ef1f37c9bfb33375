package dev.defensebench.app.run;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The harness's own version, the git commit of the working directory and library versions. */
public final class Versions {

    private Versions() {}

    /** The Maven project version this build was made from (part of every cell hash). */
    public static String harness() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/defense-bench-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** The code identity recorded in model cards: version and git commit (when run from a checkout). */
    public static Map<String, String> code() {
        Map<String, String> code = new LinkedHashMap<>();
        code.put("version", harness());
        code.put("git_commit", gitCommit());
        return code;
    }

    /** DJL, its engine and the JVM. */
    public static Map<String, String> libraries() {
        Map<String, String> libs = new LinkedHashMap<>();
        libs.put("djl", Engine.getDjlVersion());
        libs.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        libs.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return libs;
    }

    private static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
