package dev.defensebench.defenses;

import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdSettings;
import dev.defensebench.train.SgdTraining;
import java.util.List;
import java.util.Map;

/** No defense: plain cross-entropy training, the baseline every defense is compared with. */
public final class Vanilla implements Defense {

    @Override
    public String name() {
        return "vanilla";
    }

    @Override
    public String description() {
        return "plain cross-entropy training with SGD (the undefended baseline)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return SgdSettings.FROM_SCRATCH.parameters();
    }

    @Override
    public void validate(Hyperparameters params) {
        SgdSettings.from(params);
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        SgdSettings settings = SgdSettings.from(request.params());
        return SgdTraining.train(request, settings, (model, x, y) -> {
            var logits = model.logits(x);
            var ce = Losses.crossEntropy(logits, y);
            return new LossTerms(ce, logits, Map.of());
        }, name());
    }
}
