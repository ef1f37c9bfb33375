package dev.defensebench.app.cli;

import dev.defensebench.app.run.Versions;
import picocli.CommandLine;

/** Prints the harness version for {@code --version}. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"defense-bench " + Versions.harness()};
    }
}
