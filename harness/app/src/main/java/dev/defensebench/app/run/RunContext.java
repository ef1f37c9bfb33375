package dev.defensebench.app.run;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.plan.CodeIdentity;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.data.LoadedDataset;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.data.Preprocessor;
import dev.defensebench.model.ModelCard;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.spi.Examples;
import java.util.Map;

/**
 * What every cell of a run shares, computed once by {@link Runner#prepare}: the loaded and preprocessed
 * data, the data identity recorded in model cards, and the plan. A Spark executor computes its own from
 * the same experiment file and checks that its plan matches the driver's.
 *
 * @param experiment the parsed experiment
 * @param data the loaded data set (raw pixels)
 * @param preprocessing the experiment's preprocessing
 * @param preprocessor the preprocessing fitted on the training split
 * @param train the preprocessed training examples
 * @param test the preprocessed test examples
 * @param identity the data identity recorded in every model card
 * @param version the harness version
 * @param code the code identity, part of every hash
 * @param plan the experiment's cells in dependency order
 * @param imports the checked file of every {@code onnx:} entry, by entry name
 */
public record RunContext(Experiment experiment, LoadedDataset data, Preprocessing preprocessing,
        Preprocessor preprocessor, Examples train, Examples test, ModelCard.DataIdentity identity, String version,
        CodeIdentity code, Plan plan, Map<String, OnnxFile> imports) {}
