package dev.defensebench.app.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.defensebench.files.Json;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.report.Machine;
import dev.defensebench.report.TimingMeasurement;
import java.util.List;

/**
 * What running one cell produced ({@link Runner#runCell}): whether the model and its evaluation were
 * computed or reused, the evaluation, the adversarial examples kept for the gallery, and the timings.
 * A Spark task sends it to the driver as JSON.
 *
 * @param cellId the cell's id
 * @param trained true when the model was trained now, false when a stored one was reused
 * @param evaluated true when the model was scored now, false when a stored evaluation was reused
 * @param evaluation the model's rows and sanity checks
 * @param gallery the adversarial examples kept for the entry page
 * @param timings the JMH measurements (empty when timing is off)
 * @param timingMachine the machine the timings were measured on (null when timing is off)
 * @param failure why the cell has no results (its training failed, or its parent's did), or null; then
 *     {@code evaluation} is null
 */
public record CellOutcome(String cellId, boolean trained, boolean evaluated, Evaluation evaluation,
        List<GalleryExample> gallery, List<TimingMeasurement> timings, Machine timingMachine, FailedEntry failure) {

    public CellOutcome {
        gallery = List.copyOf(gallery);
        timings = List.copyOf(timings);
    }

    /** The outcome of a cell that has no results, for {@code failure}'s reason. */
    public static CellOutcome failed(String cellId, boolean trained, FailedEntry failure) {
        return new CellOutcome(cellId, trained, false, null, List.of(), List.of(), null, failure);
    }

    /** This outcome as JSON. */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the outcome of " + cellId + " as JSON", e);
        }
    }

    /** Reads an outcome written by {@link #toJson()}. */
    public static CellOutcome fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, CellOutcome.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a cell outcome: " + e.getOriginalMessage(), e);
        }
    }
}
