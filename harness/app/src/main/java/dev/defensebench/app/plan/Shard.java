package dev.defensebench.app.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of {@code count} deterministic, balanced parts of a plan ({@code --shard index/count}). A cell
 * always lands in the same shard as the cell it fine-tunes from (an imported entry with its surrogate): the plan
 * is cut into trees (a from-scratch cell and everything fine-tuned from it or using it as a surrogate, directly
 * or not), and whole trees are dealt
 * to the least-loaded shard, heaviest first, ties broken by the root's id. The assignment depends
 * only on the plan, so every machine of a sharded run computes the same split, and the shards'
 * union is the whole plan.
 *
 * @param index 1-based shard number
 * @param count number of shards
 */
public record Shard(int index, int count) {

    private static final Pattern SPEC = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

    /** The whole plan as a single shard. */
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException(
                    "shard " + index + "/" + count + " is out of range; expected I/N with 1 <= I <= N, e.g. 2/4");
        }
    }

    /** Parses {@code "I/N"}; the error names the text and the expected form. */
    public static Shard parse(String text) {
        Matcher m = SPEC.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad shard '" + text + "'; expected I/N with 1 <= I <= N, e.g. 2/4");
        }
        return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** The cells of {@code plan} that belong to this shard, in plan (dependency) order. */
    public List<Cell> select(Plan plan) {
        Map<String, Integer> owner = assign(plan, count);
        List<Cell> mine = new ArrayList<>();
        for (Cell cell : plan.cells()) {
            if (owner.get(root(cell).hash()) == index) {
                mine.add(cell);
            }
        }
        return mine;
    }

    /** For every tree root's hash, the 1-based shard that runs its tree. */
    static Map<String, Integer> assign(Plan plan, int shards) {
        Map<String, Cell> roots = new LinkedHashMap<>();
        Map<String, Double> weight = new LinkedHashMap<>();
        for (Cell cell : plan.cells()) {
            Cell root = root(cell);
            roots.putIfAbsent(root.hash(), root);
            weight.merge(root.hash(), cost(cell), Double::sum);
        }
        List<Cell> order = new ArrayList<>(roots.values());
        order.sort(Comparator.comparingDouble((Cell r) -> -weight.get(r.hash())).thenComparing(Cell::id));
        double[] load = new double[shards];
        Map<String, Integer> owner = new LinkedHashMap<>();
        for (Cell root : order) {
            int best = 0;
            for (int s = 1; s < shards; s++) {
                if (load[s] < load[best]) {
                    best = s;
                }
            }
            load[best] += weight.get(root.hash());
            owner.put(root.hash(), best + 1);
        }
        return owner;
    }

    /** A rough relative cost of training a cell: its epochs when the defense has that parameter, else 1. */
    static double cost(Cell cell) {
        Object epochs = cell.params().asMap().get("epochs");
        return epochs instanceof Number n && n.doubleValue() > 0 ? n.doubleValue() : 1.0;
    }

    private static Cell root(Cell cell) {
        Cell c = cell;
        while (c.upstream() != null) {
            c = c.upstream();
        }
        return c;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
