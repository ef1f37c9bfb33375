package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.onnx.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Interval bound propagation (Gowal et al. 2018) through an ONNX graph, node by node in the interpreter's order:
 * nodes whose inputs are exact run as the interpreter runs them (shape arithmetic on {@code Shape} of the image
 * included); the others map bounds by their operator's {@link IntervalRules rule}. {@link #refusal} finds, from the
 * graph's structure alone, the first node without a rule. When the output is made by a Gemm, or by a MatMul with an
 * exact bias Add, that layer is folded into a specification ({@link #specLowerBounds}), as Gowal et al. elide the
 * last layer into the margins.
 */
final class IntervalGraph {

    private final List<Node> plan;
    private final String input;
    private final String output;
    private final long opset;
    private final DataType floatType;

    /** {@code plan}: the live nodes, in order, that compute {@code output} from {@code input} and exact values. */
    IntervalGraph(List<Node> plan, String input, String output, long opset, DataType floatType) {
        this.plan = plan;
        this.input = input;
        this.output = output;
        this.opset = opset;
        this.floatType = floatType;
    }

    /**
     * "not certifiable: operator X (node N): why" for the first node (in {@code sorted} order, topological) that
     * cannot carry the intervals reaching it from {@code input}, or null when every node can.
     */
    static String refusal(List<Node> sorted, String input) {
        Set<String> bounded = new HashSet<>(Set.of(input));
        for (Node n : sorted) {
            Set<Integer> positions = new TreeSet<>();
            for (int i = 0; i < n.inputs().size(); i++) {
                if (bounded.contains(n.inputs().get(i))) {
                    positions.add(i);
                }
            }
            if (positions.isEmpty()) {
                continue;
            }
            IntervalRule rule = IntervalRules.get(n.opType());
            String why = rule == null ? "interval bound propagation has no rule for it (it bounds "
                    + IntervalRules.supported() + ")" : rule.refuse(n, positions);
            if (why != null) {
                return "not certifiable: operator " + n.opType() + " (node " + n.describe() + "): " + why;
            }
            if (rule.boundsOutputs()) {
                n.outputs().stream().filter(o -> !o.isEmpty()).forEach(bounded::add);
            }
        }
        return null;
    }

    /** The bounds of the output for inputs in {@code in}, {@code exact} holding the graph's weights and constants. */
    Bounds output(Map<String, NDArray> exact, Bounds in, NDManager owner) {
        Map<String, Bounds> values = run(exact, in, owner, Set.of());
        return require(values, output);
    }

    /**
     * Lower bounds {@code (N, K)} of {@code spec · output} ({@code spec}: {@code (N, K, outputs)}), the last affine
     * layer folded into {@code spec} when the output is made by one.
     */
    NDArray specLowerBounds(Map<String, NDArray> exact, Bounds in, NDArray spec, NDManager owner) {
        Tail tail = tail(exact);
        if (tail == null) {
            Bounds out = output(exact, in, owner);
            NDArray lo = out.lower().expandDims(1);
            NDArray hi = out.upper().expandDims(1);
            return spec.maximum(0).mul(lo).add(spec.minimum(0).mul(hi)).sum(new int[] {2});
        }
        Bounds penultimate = require(run(exact, in, owner, tail.nodes()), tail.input());
        if (penultimate.lower().getShape().dimension() != 2) {
            throw new IllegalStateException("the last layer's input has shape " + penultimate.lower().getShape()
                    + "; expected (batch, features)");
        }
        NDArray w = spec.matMul(tail.weight()); // (N, K, features)
        NDArray c = penultimate.center().expandDims(2);
        NDArray r = penultimate.radius().expandDims(2);
        NDArray lower = w.matMul(c).sub(w.abs().matMul(r)).squeeze(2);
        return tail.bias() == null ? lower : lower.add(spec.matMul(tail.bias().reshape(-1, 1)).squeeze(2));
    }

    /** The folded last layer: {@code output = input · weightᵀ + bias}, weight (outputs, features). */
    private record Tail(Set<Node> nodes, String input, NDArray weight, NDArray bias) {}

    /**
     * The last layer when it is a Gemm or MatMul (+ exact Add) of the bounded input and exact weights, possibly
     * followed by an Identity, else null.
     */
    private Tail tail(Map<String, NDArray> exact) {
        Tail t = affineTail(exact, output);
        Node last = producer(output);
        // an Identity after the last layer (as this project's exporter writes the output) is looked through
        if (t == null && last != null && last.opType().equals("Identity") && usedOnce(last.inputs().get(0))) {
            t = affineTail(exact, last.inputs().get(0));
            if (t != null) {
                Set<Node> nodes = new HashSet<>(t.nodes());
                nodes.add(last);
                return new Tail(nodes, t.input(), t.weight(), t.bias());
            }
        }
        return t;
    }

    /** The affine layer that computes {@code value}, when it can be folded. */
    private Tail affineTail(Map<String, NDArray> exact, String value) {
        Node last = producer(value);
        if (last == null) {
            return null;
        }
        if (last.opType().equals("Gemm") && gemmFolds(last, exact)) {
            NDArray b = exact.get(last.inputs().get(1));
            NDArray weight = (attrInt(last, "transB") == 1 ? b : b.transpose()).mul(attrFloat(last, "alpha", 1f));
            boolean hasC = last.inputs().size() > 2 && !last.inputs().get(2).isEmpty();
            NDArray c = hasC ? exact.get(last.inputs().get(2)) : null;
            NDArray bias = c == null ? null : biasOf(c, weight.getShape().get(0));
            if (hasC && bias == null) {
                return null;
            }
            return new Tail(Set.of(last), last.inputs().get(0), weight, bias == null ? null : bias.mul(attrFloat(last, "beta", 1f)));
        }
        if (last.opType().equals("MatMul")) {
            return matMulTail(last, exact, null, null);
        }
        if (last.opType().equals("Add") && last.inputs().size() == 2) {
            for (int side = 0; side < 2; side++) {
                Node mm = producer(last.inputs().get(side));
                NDArray b = exact.get(last.inputs().get(1 - side));
                if (mm != null && mm.opType().equals("MatMul") && b != null && usedOnce(mm.outputs().get(0))) {
                    return matMulTail(mm, exact, last, b);
                }
            }
        }
        return null;
    }

    private Tail matMulTail(Node mm, Map<String, NDArray> exact, Node add, NDArray b) {
        NDArray w = exact.get(mm.inputs().get(1));
        if (exact.containsKey(mm.inputs().get(0)) || w == null || w.getShape().dimension() != 2) {
            return null;
        }
        NDArray bias = b == null ? null : biasOf(b, w.getShape().get(1));
        if (b != null && bias == null) {
            return null;
        }
        return new Tail(add == null ? Set.of(mm) : Set.of(mm, add), mm.inputs().get(0), w.transpose(), bias);
    }

    private static boolean gemmFolds(Node gemm, Map<String, NDArray> exact) {
        NDArray b = exact.get(gemm.inputs().get(1));
        return attrInt(gemm, "transA") == 0 && !exact.containsKey(gemm.inputs().get(0)) && b != null
                && b.getShape().dimension() == 2;
    }

    /** A bias broadcast over the batch as a vector of {@code outputs}, or null when it varies along the batch. */
    private static NDArray biasOf(NDArray b, long outputs) {
        long size = b.getShape().size();
        if (size != 1 && size != outputs || b.getShape().dimension() > 2) {
            return null;
        }
        return b.broadcast(new Shape(outputs)).reshape(outputs);
    }

    private boolean usedOnce(String value) {
        return plan.stream().filter(n -> n.inputs().contains(value)).count() == 1;
    }

    private Node producer(String value) {
        for (Node n : plan) {
            if (n.outputs().contains(value)) {
                return n;
            }
        }
        return null;
    }

    private static long attrInt(Node n, String name) {
        return n.attribute(name) == null ? 0 : n.attribute(name).i();
    }

    private static float attrFloat(Node n, String name, float fallback) {
        return n.attribute(name) == null ? fallback : n.attribute(name).f();
    }

    private Map<String, Bounds> run(Map<String, NDArray> exact, Bounds in, NDManager owner, Set<Node> skip) {
        Map<String, Bounds> values = new HashMap<>();
        exact.forEach((k, v) -> values.put(k, Bounds.exact(v)));
        values.put(input, in);
        for (Node n : plan) {
            if (skip.contains(n)) {
                continue;
            }
            List<Bounds> inputs = new ArrayList<>(n.inputs().size());
            boolean allExact = true;
            for (String name : n.inputs()) {
                Bounds b = name.isEmpty() ? null : require(values, name);
                inputs.add(b);
                allExact &= b == null || b.isExact();
            }
            List<Bounds> outputs = allExact ? exactly(n, inputs, owner) : applyRule(n, inputs, owner);
            for (int i = 0; i < outputs.size() && i < n.outputs().size(); i++) {
                if (!n.outputs().get(i).isEmpty()) {
                    values.put(n.outputs().get(i), outputs.get(i));
                }
            }
        }
        return values;
    }

    private List<Bounds> exactly(Node n, List<Bounds> inputs, NDManager owner) {
        List<NDArray> arrays = new ArrayList<>();
        inputs.forEach(b -> arrays.add(b == null ? null : b.lower()));
        List<Bounds> out = new ArrayList<>();
        operator(n, owner).apply(arrays).forEach(a -> out.add(Bounds.exact(a)));
        return out;
    }

    private List<Bounds> applyRule(Node n, List<Bounds> inputs, NDManager owner) {
        IntervalRule rule = IntervalRules.get(n.opType());
        if (rule == null) {
            throw new UnsupportedNodeException(n, "not certifiable: interval bound propagation has no rule for " + n.opType());
        }
        return rule.apply(new IntervalRule.Call(n, inputs, operator(n, owner)));
    }

    /** The interpreter's own operator for {@code n}, in inference mode. */
    private Function<List<NDArray>, NDList> operator(Node n, NDManager owner) {
        Operator op = Operators.get(n.opType());
        return arrays -> op.apply(new OpCall(n, arrays, opset, floatType, owner, false));
    }

    private static Bounds require(Map<String, Bounds> values, String name) {
        Bounds b = values.get(name);
        if (b == null) {
            throw new IllegalStateException("the graph never computes '" + name + "'");
        }
        return b;
    }
}
