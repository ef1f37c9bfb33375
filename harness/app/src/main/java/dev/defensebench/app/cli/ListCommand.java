package dev.defensebench.app.cli;

import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.run.RunEngine;
import dev.defensebench.app.run.RunEngines;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.spi.ParamSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Lists the defenses, attacks, architectures and data sets found on the class path. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the registered defenses, attacks, certifiers, architectures and data sets with their parameters.")
final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Plugins plugins = Plugins.discover();
        out.println("Defenses:");
        plugins.defenses().values().forEach(d -> entry(out, d.name(), d.description(), d.parameters()));
        out.println("Attacks:");
        plugins.attacks().values().forEach(a -> entry(out, a.name() + " " + a.norms().stream()
                .map(n -> n.label()).sorted().toList() + (a.traits().minNorm() ? " " : " fixed-eps ") + a.traits().flags()
                + " (\"" + a.traits().displayName() + "\")",
                a.description(), a.parameters()));
        out.println("Certifiers:");
        plugins.certifiers().values().forEach(c -> entry(out, c.name() + " [" + c.norm().label() + "] (\"" + c.displayName()
                + "\")", c.description(), c.parameters()));
        out.println("Architectures:");
        plugins.architectures().values().forEach(a -> entry(out, a.name(), a.description(), List.of()));
        out.println("Data sets:");
        DatasetRegistry.standard().names().forEach(n -> out.println("  " + n));
        out.println("  " + dev.defensebench.data.ImageFolderLoader.NAME + " (your PNG/JPEG images, scored by imported models: "
                + "docs/image-folders.md)");
        out.println("Engines (run --engine):");
        List<RunEngine> engines = RunEngines.all();
        engines.forEach(e -> entry(out, e.name(), e.description(), List.of()));
        if (engines.stream().noneMatch(e -> e.name().equals("spark"))) {
            entry(out, "spark", "not on this class path: ./defense-bench adds it for --engine spark", List.of());
        }
        out.flush();
        return 0;
    }

    private static void entry(PrintWriter out, String name, String description, List<ParamSpec> params) {
        out.printf(Locale.ROOT, "  %-28s %s%n", name, description);
        for (ParamSpec p : params) {
            out.printf(Locale.ROOT, "      %-22s %-8s default %-10s %s%n", p.name(), p.type().name().toLowerCase(Locale.ROOT),
                    p.defaultValue(), p.description());
        }
    }
}
