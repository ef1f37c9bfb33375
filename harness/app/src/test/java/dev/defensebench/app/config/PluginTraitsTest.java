package dev.defensebench.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.attacks.Pgd;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.ThreatModel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A declared step parameter must be one of the attack's integer parameters; the built-in attacks declare sound traits. */
class PluginTraitsTest {

    /** PGD's parameters with a declared step parameter of the test's choosing. */
    private record Declaring(String stepParameter) implements Attack {
        @Override
        public String name() {
            return "declaring";
        }

        @Override
        public String description() {
            return "declares a step parameter (tests only)";
        }

        @Override
        public List<ParamSpec> parameters() {
            return new Pgd().parameters();
        }

        @Override
        public Set<Norm> norms() {
            return Set.of(Norm.LINF);
        }

        @Override
        public AttackTraits traits() {
            return AttackTraits.fixedEpsilon("Declaring", AttackTraits.Access.GRADIENT, stepParameter);
        }

        @Override
        public AttackResult run(Classifier model, ai.djl.ndarray.NDArray inputs, ai.djl.ndarray.NDArray labels,
                ThreatModel threat, Hyperparameters params, long seed) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aStepParameterThatIsNotAnIntegerParameterIsRefused() {
        Plugins.requireSoundTraits(new Declaring("steps"));
        assertThatThrownBy(() -> Plugins.requireSoundTraits(new Declaring("iterations")))
                .hasMessageContaining("'declaring'").hasMessageContaining("'iterations'")
                .hasMessageContaining("not one of its integer parameters");
        assertThatThrownBy(() -> Plugins.requireSoundTraits(new Declaring("rel_step_size")))
                .hasMessageContaining("'rel_step_size'");
    }

    @Test
    void theBuiltInAttacksDeclareWhatTheChecksNeed() {
        Plugins plugins = Plugins.discover();
        assertThat(plugins.attack("deepfool").traits().givesRho2()).isTrue();
        assertThat(plugins.attacks().values()).filteredOn(a -> a.traits().givesRho2()).hasSize(1);
        assertThat(plugins.attack("fgsm").traits().isIterative()).isFalse();
        assertThat(plugins.attack("square").traits().access()).isEqualTo(AttackTraits.Access.SCORE);
        assertThat(plugins.attack("noise").traits().access()).isEqualTo(AttackTraits.Access.RANDOM);
        assertThat(plugins.attack("autoattack").traits().access()).isEqualTo(AttackTraits.Access.ENSEMBLE);
        assertThat(plugins.attack("cw-l2").traits().displayName()).isEqualTo("C&W L2");
    }
}
