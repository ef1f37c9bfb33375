package dev.defensebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.defensebench.files.Json;
import dev.defensebench.model.ModelCard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The experiment file that reproduces one entry, rebuilt from its model card (and the cards of the
 * entries it was fine-tuned from) and its result rows (test size, attacks, their ε grids, parameters
 * and seeds). Values are written as JSON flow values, which are valid YAML.
 */
final class ReproduceConfig {

    private ReproduceConfig() {
    }

    /**
     * The cards an entry was fine-tuned through, oldest first and the entry's own last (at most 20), and
     * the cell id of the first parent whose card is unknown (null when every card was found).
     */
    private record Lineage(List<ModelCard> chain, String missing) {

        static Lineage of(ModelCard card, Function<String, ModelCard> cards) {
            List<ModelCard> chain = new ArrayList<>();
            chain.add(card);
            for (ModelCard c = card; c.initFrom() != null && chain.size() < 20; ) {
                ModelCard parent = cards.apply(c.initFrom().get("hash"));
                if (parent == null) {
                    return new Lineage(chain, c.initFrom().get("cell"));
                }
                chain.add(0, parent);
                c = parent;
            }
            return new Lineage(chain, null);
        }
    }

    /**
     * The YAML text; {@code cards} looks up the card of a parent by its cell hash (null when unknown:
     * the parent is then named but its entry cannot be written, which the text says).
     */
    static String yaml(ModelCard card, List<ResultRow> rows, Function<String, ModelCard> cards) {
        Lineage lineage = Lineage.of(card, cards);
        StringBuilder y = new StringBuilder();
        y.append("# Reproduces ").append(card.cellId()).append(" (cell ").append(card.cellHash()).append(")\n");
        if (lineage.missing() != null) {
            y.append("# NOTE: fine-tuned from ").append(lineage.missing())
                    .append(", whose card is not in the results directory\n");
        }
        y.append("name: ").append(json(card.experiment())).append('\n');
        y.append("dataset: ").append(json(card.data().dataset())).append('\n');
        y.append("preprocessing: ").append(json(card.data().preprocessing())).append('\n');
        y.append("train_size: ").append(card.data().trainSize()).append('\n');
        rows.stream().filter(ResultRow::isClean).findFirst()
                .ifPresent(r -> y.append("test_size: ").append(r.samples()).append('\n'));
        y.append("seeds: [").append(card.seed()).append("]\n");
        y.append("models:\n");
        lineage.chain().forEach(c -> model(y, c));
        attacks(y, rows);
        return y.toString();
    }

    private static void model(StringBuilder y, ModelCard c) {
        y.append("  - name: ").append(json(entryName(c.cellId()))).append('\n');
        y.append("    defense: ").append(json(c.defense())).append('\n');
        y.append("    architectures: [").append(json(c.architecture())).append("]\n");
        if (c.initFrom() != null) {
            y.append("    init_from: ").append(json(entryName(c.initFrom().get("cell")))).append('\n');
        }
        y.append("    params: ").append(json(new TreeMap<>(c.params()))).append('\n');
    }

    /** The attacks list: one entry per (attack, norm) of the non-clean, non-worst-case rows, with its ε grid. */
    private static void attacks(StringBuilder y, List<ResultRow> rows) {
        Map<String, List<ResultRow>> attacks = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (!r.isClean() && !Leaderboard.isWorstCase(r)) {
                attacks.computeIfAbsent(r.attack() + "\u0000" + r.norm(), k -> new ArrayList<>()).add(r);
            }
        }
        if (!attacks.isEmpty()) {
            y.append("attacks:\n");
        }
        attacks.forEach((key, group) -> {
            ResultRow first = group.get(0);
            TreeSet<Double> epsilons = new TreeSet<>();
            group.forEach(r -> epsilons.add(r.epsilon()));
            Map<String, Object> params = parse(first.attackParams());
            Object seed = params.remove("seed");
            params.remove("norm");
            y.append("  - attack: ").append(json(first.attack())).append('\n');
            y.append("    norm: ").append(json(first.norm())).append('\n');
            y.append("    epsilons: ").append(json(new ArrayList<>(epsilons))).append('\n');
            if (!params.isEmpty()) {
                y.append("    params: ").append(json(params)).append('\n');
            }
            if (seed != null) {
                y.append("    seed: ").append(json(seed)).append('\n');
            }
        });
    }

    /** The experiment entry name of a cell id "name/architecture/sSEED". */
    static String entryName(String cellId) {
        String[] parts = cellId.split("/");
        return parts.length >= 3 ? String.join("/", java.util.Arrays.copyOf(parts, parts.length - 2)) : cellId;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String params) {
        try {
            Object value = Json.MAPPER.readValue(params.isEmpty() ? "{}" : params, Object.class);
            return value instanceof Map<?, ?> m ? new TreeMap<>((Map<String, Object>) m) : new TreeMap<>();
        } catch (JsonProcessingException e) {
            return new TreeMap<>();
        }
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
