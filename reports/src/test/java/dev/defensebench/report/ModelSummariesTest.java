package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.model.ModelCard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A card's summary: its provenance lines, its parent and an import's blocking ONNX operator, read by name once. */
class ModelSummariesTest {

    private static ModelCard card(Map<String, String> initFrom, Map<String, Object> notes) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 0.01);
        return ModelCard.builder().cellId("child/lenet/s0").cellHash("h1").experiment("nightly").defense("vanilla")
                .architecture("lenet").params(params).seed(3L).initFrom(initFrom)
                .data(new ModelCard.DataIdentity("mnist", "abc", 60000, "unit", "pixels / 255")).code(Map.of())
                .libraries(Map.of()).device("cpu()").epochSeconds(List.of(1.5, 2.5)).metrics(Map.of()).notes(notes)
                .createdAt("2026-11-25T10:00:00Z").paramsSha256("0".repeat(64)).build();
    }

    @Test
    void theParentAndTheBlockingOperatorComeFromTheCard() {
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("blocking_operator", "Loop");
        notes.put("blocking_node", "loop_0");
        ModelSummary summary = ModelSummaries.of(card(Map.of("cell", "parent/lenet/s0", "hash", "h0"), notes));

        assertThat(summary.parent()).isEqualTo("parent/lenet/s0");
        assertThat(summary.blockingOperator()).isEqualTo("Loop");
        assertThat(summary.blockingNode()).isEqualTo("loop_0");
        assertThat(summary.trainSeconds()).isEqualTo(4.0);
        assertThat(summary.details()).containsExactly(Map.entry("lr", "0.01"), Map.entry("init_from", "parent/lenet/s0"),
                Map.entry("blocking_operator", "Loop"), Map.entry("blocking_node", "loop_0"));
    }

    @Test
    void aModelTrainedFromScratchHasNoParentAndNoBlockingOperator() {
        ModelSummary summary = ModelSummaries.of(card(null, null));

        assertThat(summary.parent()).isNull();
        assertThat(summary.blockingOperator()).isNull();
        assertThat(summary.blockingNode()).isEmpty();
    }

    /** The board names the operator that kept an import from white-box scoring, next to its defense. */
    @Test
    void theBoardSaysWhichOperatorMadeAnEntryBlackBox() {
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("blocking_operator", "Loop");
        notes.put("blocking_node", "loop_0");
        ModelSummary summary = ModelSummaries.of(card(null, notes));
        ResultRow clean = TestRows.clean("child/lenet/s0", "vanilla", 0.9);
        ResultRow fgsm = TestRows.attack("child/lenet/s0", "vanilla", "fgsm", "Linf", 0.1, 0.9, 0.5);
        ResultRow blackBox = ResultRow.from(fgsm).access(ResultRow.BLACK_BOX).build();

        BoardTable table = Leaderboard.build(List.of(clean, blackBox), List.of(summary)).get(0);

        assertThat(table.entries().get(0).defense())
                .isEqualTo("vanilla (black-box evaluated: ONNX operator Loop at node 'loop_0' is not interpreted)");
    }
}
