package dev.defensebench.app.run;

import dev.defensebench.app.config.Plugins;
import dev.defensebench.train.ConsoleProgress;
import java.io.IOException;

/** The default engine: runs every cell in this process, in plan order, with console progress bars. */
public final class PlainEngine implements RunEngine {

    /** The engine's name. */
    public static final String NAME = "plain";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "every cell in this process, one after another (the default)";
    }

    @Override
    public Runner.Summary run(RunJob job) throws IOException {
        if (job.shared() != null) {
            throw new IllegalArgumentException("--shared " + job.shared() + " is only used by engines that run cells on "
                    + "other workers (--engine spark); the plain engine writes everything to --out");
        }
        return new Runner(Plugins.discover(), job.datasets().get(), job.dataDir(), new ConsoleProgress())
                .run(job.experiment(), job.out(), Devices.resolve(job.device()), job.shard());
    }
}
