package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.defensebench.onnx.graph.Attribute;
import dev.defensebench.onnx.graph.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The interval rules of interval bound propagation through ONNX operators (Gowal et al. 2018), by op_type:
 * <ul>
 * <li><b>monotone</b> operators, non-decreasing (+) or non-increasing (−) in each input that may carry an
 * interval: the lower bound is the operator on the inputs' lower ends (upper ends for a − input), the upper bound
 * the reverse. Relu, Sigmoid, Tanh, Softplus, LeakyRelu (slope ≥ 0), Clip, the poolings, the layout and indexing
 * operators (Identity, Dropout, Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Pad, Slice, Gather, Expand,
 * Tile, Concat, Split), ReduceMean/Sum/Max/Min, Add, Sum, Max, Min (+ in every input), Sub (+, −), Neg (−);</li>
 * <li><b>affine</b> operators, linear in the one input that carries an interval, the others exact: the centre goes
 * through the operator, the half-width through the operator with the absolute values of the other factors and no
 * offset. Gemm, MatMul, Conv, ConvTranspose, inference BatchNormalization, Mul, Div (by an exact divisor);</li>
 * <li><b>Shape</b>: an exact value (the bounds share their shape).</li>
 * </ul>
 * Nodes whose inputs are all exact run as the interpreter runs them, whatever their operator.
 */
final class IntervalRules {

    private static final Map<String, IntervalRule> RULES = build();

    private IntervalRules() {}

    /** The rule for {@code opType}, or null when interval bound propagation has none. */
    static IntervalRule get(String opType) {
        return RULES.get(opType);
    }

    /** The operators with a rule, sorted. */
    static Set<String> supported() {
        return RULES.keySet();
    }

    private static Map<String, IntervalRule> build() {
        Map<String, IntervalRule> rules = new TreeMap<>();
        for (String op : List.of("Relu", "Sigmoid", "Tanh", "Softplus", "Identity", "Dropout", "Flatten", "Reshape",
                "Transpose", "Squeeze", "Unsqueeze", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Pad",
                "Slice", "Gather", "Expand", "Tile", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "Clip")) {
            rules.put(op, new Monotone(p -> p == 0 ? 1 : 0, false));
        }
        rules.put("LeakyRelu", new Monotone(p -> p == 0 ? 1 : 0, false) {
            @Override
            public String refuse(Node node, Set<Integer> bounded) {
                Attribute alpha = node.attribute("alpha");
                return alpha != null && alpha.f() < 0 ? "a negative slope (alpha " + alpha.f() + ") is not monotone"
                        : super.refuse(node, bounded);
            }
        });
        rules.put("Split", new Monotone(p -> p == 0 ? 1 : 0, true));
        for (String op : List.of("Add", "Sum", "Max", "Min", "Concat")) {
            rules.put(op, new Monotone(p -> 1, false));
        }
        rules.put("Sub", new Monotone(p -> p == 0 ? 1 : -1, false));
        rules.put("Neg", new Monotone(p -> p == 0 ? -1 : 0, false));
        rules.put("Gemm", new Affine(p -> p <= 1, IntervalRules::twoFactors));
        rules.put("MatMul", new Affine(p -> p <= 1, IntervalRules::twoFactors));
        rules.put("Mul", new Affine(p -> p <= 1, IntervalRules::twoFactors));
        rules.put("Div", new Affine(p -> p == 0, (slot, r, in) -> List.of(r, abs(in.get(1)))));
        rules.put("Conv", new Affine(p -> p == 0, (slot, r, in) -> List.of(r, abs(in.get(1)))));
        rules.put("ConvTranspose", new Affine(p -> p == 0, (slot, r, in) -> List.of(r, abs(in.get(1)))));
        // (x − mean) / sqrt(var + eps) · scale + bias: the half-width through |scale| / sqrt(var + eps)
        rules.put("BatchNormalization", new Affine(p -> p == 0, (slot, r, in) -> List.of(r, abs(in.get(1)),
                in.get(2).zerosLike(), in.get(3).zerosLike(), in.get(4))));
        rules.put("Shape", new ShapeOf());
        rules.put("Size", new ShapeOf());
        return Collections.unmodifiableMap(rules);
    }

    /** Either factor of a product carries the half-width; the other enters with its absolute values. */
    private static List<NDArray> twoFactors(int slot, NDArray radius, List<NDArray> exact) {
        return List.of(slot == 0 ? radius : exact.get(0).abs(), slot == 1 ? radius : exact.get(1).abs());
    }

    private static NDArray abs(NDArray a) {
        return a.abs();
    }

    /** The positions of inputs that carry intervals. */
    private static List<Integer> bounded(List<Bounds> inputs) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) != null && !inputs.get(i).isExact()) {
                out.add(i);
            }
        }
        return out;
    }

    /** Extra outputs (max-pooling indices, a dropout mask) are not bounds. */
    private static String extraOutputs(Node node) {
        return node.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())
                ? "its second output (indices or mask) is not a bound of its input" : null;
    }

    /** A monotone operator; {@code direction} gives +1, −1 or 0 (must be exact) per input position. */
    private static class Monotone implements IntervalRule {

        private final IntUnaryOperator direction;
        private final boolean everyOutput;

        Monotone(IntUnaryOperator direction, boolean everyOutput) {
            this.direction = direction;
            this.everyOutput = everyOutput;
        }

        @Override
        public String refuse(Node node, Set<Integer> bounded) {
            for (int p : bounded) {
                if (direction.applyAsInt(p) == 0) {
                    return "input " + p + " depends on the image, and the operator is not monotone in it";
                }
            }
            return everyOutput ? null : extraOutputs(node);
        }

        @Override
        public List<Bounds> apply(Call call) {
            List<NDArray> low = new ArrayList<>();
            List<NDArray> high = new ArrayList<>();
            for (int i = 0; i < call.inputs().size(); i++) {
                Bounds b = call.inputs().get(i);
                boolean up = b == null || direction.applyAsInt(i) >= 0;
                low.add(b == null ? null : up ? b.lower() : b.upper());
                high.add(b == null ? null : up ? b.upper() : b.lower());
            }
            NDList lower = call.run(low);
            NDList upper = call.run(high);
            List<Bounds> out = new ArrayList<>();
            for (int k = 0; k < (everyOutput ? lower.size() : 1); k++) {
                out.add(new Bounds(lower.get(k), upper.get(k)));
            }
            return out;
        }
    }

    /** The inputs of the half-width's pass: the half-width in {@code slot}, the other factors' absolute values. */
    @FunctionalInterface
    private interface RadiusInputs {
        List<NDArray> of(int slot, NDArray radius, List<NDArray> exact);
    }

    /** An operator linear in its one interval input (positions {@code linearIn}), the others exact. */
    private static final class Affine implements IntervalRule {

        private final IntPredicate linearIn;
        private final RadiusInputs radiusInputs;

        Affine(IntPredicate linearIn, RadiusInputs radiusInputs) {
            this.linearIn = linearIn;
            this.radiusInputs = radiusInputs;
        }

        @Override
        public String refuse(Node node, Set<Integer> bounded) {
            if (bounded.size() > 1) {
                return "inputs " + new java.util.TreeSet<>(bounded) + " both depend on the image (a product of two intervals)";
            }
            for (int p : bounded) {
                if (!linearIn.test(p)) {
                    return "input " + p + " depends on the image, and the operator is not linear in it";
                }
            }
            if (node.opType().equals("BatchNormalization") && node.attribute("training_mode") != null
                    && node.attribute("training_mode").i() == 1) {
                return "training-mode BatchNormalization normalises with the batch's statistics";
            }
            return extraOutputs(node);
        }

        @Override
        public List<Bounds> apply(Call call) {
            int slot = bounded(call.inputs()).get(0);
            List<NDArray> center = new ArrayList<>();
            List<NDArray> exact = new ArrayList<>();
            for (Bounds b : call.inputs()) {
                center.add(b == null ? null : b.center());
                exact.add(b == null ? null : b.lower());
            }
            NDArray c = call.run(center).get(0);
            NDArray r = call.run(radiusInputs.of(slot, call.inputs().get(slot).radius(), exact)).get(0).abs();
            return List.of(Bounds.ofCenter(c, r));
        }
    }

    /** Shape and Size: exact, from either end. */
    private static final class ShapeOf implements IntervalRule {

        @Override
        public String refuse(Node node, Set<Integer> bounded) {
            return null;
        }

        @Override
        public boolean boundsOutputs() {
            return false;
        }

        @Override
        public List<Bounds> apply(Call call) {
            List<NDArray> lower = new ArrayList<>();
            for (Bounds b : call.inputs()) {
                lower.add(b == null ? null : b.lower());
            }
            return List.of(Bounds.exact(call.run(lower).get(0)));
        }
    }
}
