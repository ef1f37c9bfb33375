package dev.defensebench.report;

/**
 * Makes a {@link ResultRow} from named values. The texts of the entry and the attack, the ε, the sample count
 * and both accuracies must be given; {@code attackParams} defaults to "{}", {@code access} to
 * {@value ResultRow#WHITE_BOX}, the label to the attack id, the traits to none and every other double to {@code NaN}.
 */
public final class ResultRowBuilder {
    private String experiment;
    private String model;
    private String defense;
    private String architecture;
    private String dataset;
    private String preprocessing;
    private long seed;
    private String cellHash;
    private String attack;
    private String norm;
    private Double epsilon;
    private Integer samples;
    private Double cleanAccuracy;
    private Double robustAccuracy;
    private double robustCiLow = Double.NaN;
    private double robustCiHigh = Double.NaN;
    private double rho2 = Double.NaN;
    private double trainSeconds = Double.NaN;
    private double attackSeconds = Double.NaN;
    private String attackParams = "{}";
    private String access = ResultRow.WHITE_BOX;
    private double attackImagesPerSecond = Double.NaN;
    private String attackLabel;
    private String attackTraits;
    private double abstentions = Double.NaN;

    ResultRowBuilder() {}

    public ResultRowBuilder experiment(String value) {
        experiment = value;
        return this;
    }

    public ResultRowBuilder model(String value) {
        model = value;
        return this;
    }

    public ResultRowBuilder defense(String value) {
        defense = value;
        return this;
    }

    public ResultRowBuilder architecture(String value) {
        architecture = value;
        return this;
    }

    public ResultRowBuilder dataset(String value) {
        dataset = value;
        return this;
    }

    public ResultRowBuilder preprocessing(String value) {
        preprocessing = value;
        return this;
    }

    public ResultRowBuilder seed(long value) {
        seed = value;
        return this;
    }

    public ResultRowBuilder cellHash(String value) {
        cellHash = value;
        return this;
    }

    public ResultRowBuilder attack(String value) {
        attack = value;
        return this;
    }

    public ResultRowBuilder norm(String value) {
        norm = value;
        return this;
    }

    public ResultRowBuilder epsilon(double value) {
        epsilon = value;
        return this;
    }

    public ResultRowBuilder samples(int value) {
        samples = value;
        return this;
    }

    public ResultRowBuilder cleanAccuracy(double value) {
        cleanAccuracy = value;
        return this;
    }

    public ResultRowBuilder robustAccuracy(double value) {
        robustAccuracy = value;
        return this;
    }

    /** The 95% interval of the robust accuracy. */
    public ResultRowBuilder robustCi(WilsonInterval ci) {
        return robustCi(ci.low(), ci.high());
    }

    /** The 95% interval of the robust accuracy, from its ends. */
    public ResultRowBuilder robustCi(double low, double high) {
        robustCiLow = low;
        robustCiHigh = high;
        return this;
    }

    public ResultRowBuilder rho2(double value) {
        rho2 = value;
        return this;
    }

    public ResultRowBuilder trainSeconds(double value) {
        trainSeconds = value;
        return this;
    }

    public ResultRowBuilder attackSeconds(double value) {
        attackSeconds = value;
        return this;
    }

    public ResultRowBuilder attackParams(String value) {
        attackParams = value;
        return this;
    }

    public ResultRowBuilder access(String value) {
        access = value;
        return this;
    }

    public ResultRowBuilder attackImagesPerSecond(double value) {
        attackImagesPerSecond = value;
        return this;
    }

    public ResultRowBuilder attackLabel(String value) {
        attackLabel = value;
        return this;
    }

    public ResultRowBuilder attackTraits(String value) {
        attackTraits = value;
        return this;
    }

    public ResultRowBuilder abstentions(double value) {
        abstentions = value;
        return this;
    }

    /** The row; a value that must be given and was not is named in the error. */
    public ResultRow build() {
        require(epsilon, "epsilon");
        require(samples, "samples");
        require(cleanAccuracy, "cleanAccuracy");
        require(robustAccuracy, "robustAccuracy");
        return new ResultRow(experiment, model, defense, architecture, dataset, preprocessing, seed, cellHash, attack,
                norm, epsilon, samples, cleanAccuracy, robustAccuracy, robustCiLow, robustCiHigh, rho2, trainSeconds,
                attackSeconds, attackParams, access, attackImagesPerSecond, attackLabel, attackTraits, abstentions);
    }

    private static void require(Object value, String name) {
        if (value == null) {
            throw new IllegalStateException("a result row needs its " + name);
        }
    }
}
