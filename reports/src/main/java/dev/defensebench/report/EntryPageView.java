package dev.defensebench.report;

import java.util.List;

/**
 * What an entry page {@code entry.ftlh} reads, one component per section of the page: every value as the
 * page shows it (numbers already formatted by {@link Formats}), so that a renamed or missing field fails at
 * compile time here and in {@code PageTemplatesTest} for the template. Built by {@link EntryPage}.
 *
 * @param header     the title lines
 * @param headline   the headline numbers
 * @param curves     the accuracy-vs-ε charts and the result rows
 * @param optimality each attack's optimality against the worst case
 * @param gallery    the adversarial examples
 * @param sanity     the sanity checks
 * @param timing     the JMH timings and the training time per epoch
 * @param trend      the headline numbers over the runs
 * @param card       the model card
 * @param reproduce  how to reproduce the entry
 */
public record EntryPageView(Header header, Headline headline, Curves curves, List<Optimality> optimality,
        List<Example> gallery, Sanity sanity, Timing timing, Trend trend, Card card, Reproduce reproduce) {

    /**
     * The title lines.
     *
     * @param model          the entry id
     * @param experiment     the experiment of the site
     * @param defense        the defense id
     * @param architecture   the architecture id
     * @param dataset        the dataset id
     * @param experimentName the experiment the entry was trained in
     * @param generatedAt    when the site was written
     */
    public record Header(String model, String experiment, String defense, String architecture, String dataset,
            String experimentName, String generatedAt) {
    }

    /**
     * The headline numbers.
     *
     * @param clean     clean accuracy
     * @param cleanCi   its 95% interval; empty without a clean row
     * @param samples   the number of test points; empty without a clean row
     * @param metric    what {@code headline} is, e.g. "worst case ℓ∞ ε=0.3"
     * @param headline  the headline number
     * @param rho2      ρ2
     * @param trainTime the training time
     */
    public record Headline(String clean, String cleanCi, String samples, String metric, String headline, String rho2,
            String trainTime) {
    }

    /**
     * The accuracy-vs-ε section.
     *
     * @param charts one chart per norm, norms in alphabetical order
     * @param rows   every result row but the clean one
     */
    public record Curves(List<Chart> charts, List<Result> rows) {
    }

    /**
     * One accuracy-vs-ε chart (its title names the norm).
     *
     * @param svg the inline SVG, escaped on the JVM
     */
    public record Chart(String svg) {
    }

    /**
     * One result row.
     *
     * @param attack  the attack's display name (worst case and certified rows say so)
     * @param norm    the norm's display name
     * @param epsilon ε
     * @param robust  robust accuracy
     * @param ci      its 95% interval
     * @param samples the number of test points
     * @param rho2    ρ2
     * @param time    the attack's running time
     * @param params  the attack's parameters as JSON
     */
    public record Result(String attack, String norm, String epsilon, String robust, String ci, String samples,
            String rho2, String time, String params) {
    }

    /**
     * One attack's optimality.
     *
     * @param norm       the norm
     * @param attack     the attack's display name
     * @param optimality the optimality
     * @param area       the area under its curve
     * @param bestArea   the area under the worst case's curve
     * @param cleanArea  clean accuracy times the largest ε
     */
    public record Optimality(String norm, String attack, String optimality, String area, String bestArea,
            String cleanArea) {
    }

    /**
     * One adversarial example.
     *
     * @param attack                the attack's display name
     * @param norm                  the norm's display name
     * @param epsilon               ε
     * @param label                 the true label
     * @param cleanPrediction       the prediction on the clean image
     * @param adversarialPrediction the prediction on the adversarial image
     * @param fooled                whether the attack changed a correct prediction
     * @param images                the three images
     * @param perturbationNorm      the norm of the perturbation
     */
    public record Example(String attack, String norm, String epsilon, String label, String cleanPrediction,
            String adversarialPrediction, boolean fooled, Images images, String perturbationNorm) {
    }

    /**
     * The images of an adversarial example, as data URIs of PNGs.
     *
     * @param clean         the clean image
     * @param perturbation  the perturbation, magnified around mid-grey
     * @param magnification the magnification factor
     * @param adversarial   the adversarial image
     */
    public record Images(String clean, String perturbation, String magnification, String adversarial) {
    }

    /**
     * The sanity checks.
     *
     * @param recorded whether the run recorded sanity checks at all
     * @param checks   this entry's checks
     */
    public record Sanity(boolean recorded, List<Check> checks) {
    }

    /**
     * One sanity check.
     *
     * @param check     the check id
     * @param status    pass, warn, fail or skip
     * @param value     the measured value
     * @param threshold the threshold
     * @param detail    what was compared
     */
    public record Check(String check, String status, String value, String threshold, String detail) {
    }

    /**
     * The timing section.
     *
     * @param measurements the JMH measurements of the entry
     * @param machine      the machine they were measured on
     * @param settings     the JMH settings
     * @param epochs       the training time per epoch
     */
    public record Timing(List<Measurement> measurements, String machine, List<LabeledValue> settings,
            List<Epoch> epochs) {
    }

    /**
     * One JMH measurement.
     *
     * @param benchmark  what was measured, for people
     * @param score      the mean
     * @param error      the 99.9% error
     * @param unit       the unit
     * @param batch      the batch size
     * @param iterations the number of iterations
     */
    public record Measurement(String benchmark, String score, String error, String unit, String batch,
            String iterations) {
    }

    /**
     * One training epoch.
     *
     * @param epoch its number, from 1
     * @param time  its wall time
     */
    public record Epoch(String epoch, String time) {
    }

    /**
     * The headline numbers over the runs.
     *
     * @param points one per run that holds the entry, oldest first
     * @param svg    the sparkline; empty with fewer than two runs
     */
    public record Trend(List<TrendPoint> points, String svg) {
    }

    /**
     * The entry in one run.
     *
     * @param run      the run's label
     * @param when     when it was written
     * @param clean    clean accuracy
     * @param headline the headline number
     */
    public record TrendPoint(String run, String when, String clean, String headline) {
    }

    /**
     * The model card.
     *
     * @param lines the card's lines; empty without a card
     * @param json  the card as JSON; empty without a card
     */
    public record Card(List<LabeledValue> lines, String json) {
    }

    /**
     * How to reproduce the entry.
     *
     * @param yaml   an experiment file of the entry alone; empty without a card
     * @param commit the commit it was trained at
     */
    public record Reproduce(String yaml, String commit) {
    }
}
