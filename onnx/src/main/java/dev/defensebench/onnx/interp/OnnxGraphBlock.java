package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.defensebench.onnx.graph.ClassifierOutput;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.OpsetId;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.model.IntervalBounded;
import dev.defensebench.spi.NotCertifiableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A DJL block that runs an ONNX graph node by node with NDArray operations, so that gradients flow from
 * its output to its input. Weights (initializers) and every node computable from constants alone
 * (Constant, shape arithmetic on constants) are evaluated once when the block is built; the rest runs
 * in topological order on each forward pass. The graph's single data input is used, and its classifier output
 * ({@link ClassifierOutput}: the only output, or the only FLOAT [batch, classes] one; pass a model already
 * {@link ClassifierOutput#select selected} to name another).
 *
 * <p>Two kinds: {@link #build} makes a frozen block for scoring an imported file (every initializer a constant,
 * BatchNormalization on its running statistics); {@link #trainable} makes an uninitialised block, as an
 * architecture does, whose layer weights ({@link TrainableWeights}) are DJL parameters, initialised from the
 * file, trained by any defense, saved and loaded like any block's, and whose BatchNormalization runs on batch
 * statistics in training passes. {@link #withCurrentWeights} writes the weights back into the graph.
 *
 * <p>Both kinds bound their own outputs over a box of inputs ({@link IntervalBounded}: interval bound propagation
 * node by node, {@link IntervalGraph}), in inference mode, with the weights' current values.
 */
public final class OnnxGraphBlock extends AbstractBlock implements IntervalBounded {

    private final Model model;
    private final String input;
    private final String output;
    private final UnaryOperator<NDArray> adapter;
    private final Map<String, Parameter> weights = new LinkedHashMap<>();
    private NDManager manager;
    private DataType floatType;
    private Map<String, NDArray> constants;
    private Set<NDArray> constantArrays;
    private List<Node> plan;

    private OnnxGraphBlock(Model file, UnaryOperator<NDArray> adapter) {
        if (file.defaultOpset() < MIN_OPSET) {
            throw new IllegalArgumentException(belowMinOpset(file.defaultOpset()));
        }
        this.model = ClassifierOutput.select(file, ClassifierOutput.choose(file.graph(), null, 0));
        this.adapter = adapter;
        Graph g = model.graph();
        Node unsupported = firstUnsupported(g);
        if (unsupported != null) {
            throw new UnsupportedNodeException(unsupported, "operator " + unsupported.opType()
                    + " is not among the interpreter's operators");
        }
        if (g.dataInputs().size() != 1) {
            throw new IllegalArgumentException("the graph has " + g.dataInputs().size() + " data inputs; the interpreter "
                    + "needs one");
        }
        this.input = g.dataInputs().get(0).name();
        this.output = g.outputs().get(0).name();
    }

    /** The oldest default operator set the interpreter runs: 7 brought numpy broadcasting to every arithmetic operator. */
    public static final long MIN_OPSET = 7;

    /**
     * Why a file importing operator set {@code opset} (below {@link #MIN_OPSET}) is refused. Before opset 7 binary
     * operators broadcast only with the {@code broadcast}/{@code axis} attributes (a per-channel PRelu slope or bias
     * then lines up with axis 1, not with the last axis as numpy would), which the interpreter does not reproduce.
     */
    public static String belowMinOpset(long opset) {
        return "the model imports ONNX operator set " + opset + "; operator sets below " + MIN_OPSET + " broadcast with "
                + "the legacy broadcast/axis attributes (e.g. a per-channel PRelu slope), which are not supported: "
                + "re-export or convert it (onnx.version_converter) to opset " + MIN_OPSET + " or later";
    }

    /**
     * Builds the interpreter for {@code model} with its weights on {@code manager} in {@code floatType}
     * (FLOAT32 or FLOAT64). A node the interpreter cannot run is reported as an {@link UnsupportedNodeException}.
     */
    public static OnnxGraphBlock build(Model model, NDManager manager, DataType floatType) {
        return build(model, manager, floatType, UnaryOperator.identity());
    }

    /**
     * As {@link #build(Model, NDManager, DataType)}, with {@code adapter} applied to each input batch before the
     * graph sees it (e.g. channels first to channels last).
     */
    public static OnnxGraphBlock build(Model model, NDManager manager, DataType floatType, UnaryOperator<NDArray> adapter) {
        OnnxGraphBlock block = new OnnxGraphBlock(model, adapter);
        block.fold(manager, floatType);
        return block;
    }

    /**
     * An uninitialised block whose layer weights are trainable parameters holding the file's values once
     * {@link #initialize} ran (in FLOAT32 or FLOAT64); {@code adapter} as in {@link #build}.
     */
    public static OnnxGraphBlock trainable(Model model, UnaryOperator<NDArray> adapter) {
        OnnxGraphBlock block = new OnnxGraphBlock(model, adapter);
        Graph g = model.graph();
        for (Map.Entry<String, Parameter.Type> w : TrainableWeights.of(g).entrySet()) {
            Tensor t = g.initializer(w.getKey());
            Parameter p = Parameter.builder().setName(w.getKey()).setType(w.getValue())
                    .optRequiresGrad(TrainableWeights.learned(w.getValue()))
                    .optShape(new Shape(t.dims()))
                    .optInitializer((m, shape, type) -> Constants.toArray(t, m, type, null))
                    .build();
            block.weights.put(w.getKey(), block.addParameter(p));
        }
        return block;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        fold(manager, dataType);
    }

    /**
     * The graph with its trained initializers replaced by the parameters' current values (float32) and
     * {@code metadata} added to the file's; everything else as read.
     */
    public Model withCurrentWeights(Map<String, String> metadata) {
        Graph g = model.graph();
        List<Tensor> initializers = new ArrayList<>(g.initializers().size());
        for (Tensor t : g.initializers()) {
            Parameter p = weights.get(t.name());
            initializers.add(p == null ? t : Tensor.ofFloats(t.name(), t.dims(),
                    p.getArray().toType(DataType.FLOAT32, false).toFloatArray()).asRaw());
        }
        Map<String, String> merged = new LinkedHashMap<>(model.metadata());
        merged.putAll(metadata);
        return new Model(model.irVersion(), model.opsets(), model.producerName(), model.producerVersion(),
                new Graph(g.name(), g.nodes(), initializers, g.inputs(), g.outputs()), merged);
    }

    /** Evaluates the constants (initializers that are not parameters, and the nodes computable from them alone). */
    private void fold(NDManager on, DataType type) {
        Graph g = model.graph();
        Map<String, NDArray> values = new HashMap<>();
        for (Tensor t : g.initializers()) {
            if (!weights.containsKey(t.name()) && (t.floats() != null || t.longs() != null)) {
                values.put(t.name(), Constants.toArray(t, on, type, null));
            }
        }
        List<Node> live = new ArrayList<>();
        for (Node n : topological(g)) {
            if (n.inputs().stream().allMatch(i -> i.isEmpty() || values.containsKey(i))) {
                store(n, run(n, values, on, model.defaultOpset(), type, false), values);
            } else {
                live.add(n);
            }
        }
        // the constants live as long as their manager, even when the block is built inside a caller's NDScope
        values.values().forEach(NDScope::unregister);
        this.manager = on;
        this.floatType = type;
        this.constants = values;
        this.constantArrays = Collections.newSetFromMap(new IdentityHashMap<>());
        this.constantArrays.addAll(values.values());
        this.plan = live;
    }

    /** The first node whose operator the interpreter lacks (or that is outside the default domain), or null. */
    public static Node firstUnsupported(Graph g) {
        for (Node n : g.nodes()) {
            if (!OpsetId.isDefaultDomain(n.domain()) || Operators.get(n.opType()) == null) {
                return n;
            }
        }
        return null;
    }

    /** The number of nodes run on each forward pass (those not folded into constants). */
    public int liveNodes() {
        return plan.size();
    }

    /**
     * Runs the graph. Every array made on the way is closed at the end except the output (the autograd graph
     * keeps what the backward pass needs), so operations on the weights leave nothing on their manager; the
     * output belongs to the caller's {@link NDScope}, if any.
     */
    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDManager owner = x.getManager();
        boolean trains = training && !weights.isEmpty();
        NDArray y;
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> values = new HashMap<>(constants);
            for (Map.Entry<String, Parameter> w : weights.entrySet()) {
                values.put(w.getKey(), parameterStore.getValue(w.getValue(), x.getDevice(), training));
            }
            values.put(input, adapter.apply(x));
            for (Node n : plan) {
                store(n, run(n, values, owner, model.defaultOpset(), floatType, trains), values);
            }
            y = values.get(output);
            if (y == null) {
                throw new IllegalStateException("the graph never computes its output '" + output + "'");
            }
            if (y.getManager() != owner && !constantArrays.contains(y)) {
                y.attach(owner);
            }
            NDScope.unregister(y);
        }
        if (y != x && !constantArrays.contains(y)) {
            NDScope.register(y); // the caller's scope, when there is one, owns the output
        }
        return new NDList(y);
    }

    @Override
    public String whyNotBounded() {
        return IntervalGraph.refusal(topological(model.graph()), input);
    }

    @Override
    public NDList outputBounds(NDArray lower, NDArray upper) {
        return bounded(lower, upper, (graph, values, in) -> {
            Bounds out = graph.output(values, in, lower.getManager());
            return new NDList(out.lower(), out.upper());
        });
    }

    @Override
    public NDArray specLowerBounds(NDArray lower, NDArray upper, NDArray spec) {
        return bounded(lower, upper, (graph, values, in) -> new NDList(graph.specLowerBounds(values, in, spec,
                lower.getManager()))).singletonOrThrow();
    }

    /** One bound computation of interval bound propagation on the graph. */
    @FunctionalInterface
    private interface BoundPass {
        NDList run(IntervalGraph graph, Map<String, NDArray> values, Bounds in);
    }

    /**
     * Runs {@code pass} on the box {@code [lower, upper]} (the adapter applied to both ends, a layout change being
     * monotone); every array made on the way is closed except the results, which belong to the caller's scope.
     */
    private NDList bounded(NDArray lower, NDArray upper, BoundPass pass) {
        String why = whyNotBounded();
        if (why != null) {
            throw new NotCertifiableException(why);
        }
        NDManager owner = lower.getManager();
        NDList out = new NDList();
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> values = new HashMap<>(constants);
            weights.forEach((name, p) -> values.put(name, p.getArray()));
            IntervalGraph graph = new IntervalGraph(plan, input, output, model.defaultOpset(), floatType);
            for (NDArray a : pass.run(graph, values, new Bounds(adapter.apply(lower), adapter.apply(upper)))) {
                NDArray kept = constantArrays.contains(a) || a == lower || a == upper ? a.duplicate() : a;
                if (kept.getManager() != owner) {
                    kept.attach(owner);
                }
                NDScope.unregister(kept);
                out.add(kept);
            }
        }
        out.forEach(NDScope::register);
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray probe = scope.zeros(inputShapes[0], floatType);
            return new Shape[] {forwardInternal(new ParameterStore(), new NDList(probe), false, null).head().getShape()};
        }
    }

    private static NDList run(Node n, Map<String, NDArray> values, NDManager owner, long opset, DataType floatType,
            boolean training) {
        List<NDArray> in = new ArrayList<>(n.inputs().size());
        for (String name : n.inputs()) {
            if (name.isEmpty()) {
                in.add(null);
                continue;
            }
            NDArray a = values.get(name);
            if (a == null) {
                throw new UnsupportedNodeException(n, "input '" + name + "' is neither computed by an earlier node nor a "
                        + "FLOAT, integer or BOOL initializer (the element types the interpreter reads)");
            }
            in.add(a);
        }
        NDList out = Operators.get(n.opType()).apply(new OpCall(n, in, opset, floatType, owner, training));
        if (out.size() < n.outputs().stream().filter(o -> !o.isEmpty()).count()) {
            throw new UnsupportedNodeException(n, "produced " + out.size() + " outputs for " + n.outputs().size() + " names");
        }
        return out;
    }

    private static void store(Node n, NDList out, Map<String, NDArray> values) {
        for (int i = 0; i < n.outputs().size(); i++) {
            if (!n.outputs().get(i).isEmpty()) {
                values.put(n.outputs().get(i), out.get(i));
            }
        }
    }

    /** The nodes in an order where each comes after the producers of its inputs (files are usually sorted already). */
    static List<Node> topological(Graph g) {
        Set<String> known = new HashSet<>();
        g.inputs().forEach(v -> known.add(v.name()));
        g.initializers().forEach(t -> known.add(t.name()));
        List<Node> pending = new ArrayList<>(g.nodes());
        List<Node> sorted = new ArrayList<>(pending.size());
        while (!pending.isEmpty()) {
            int before = sorted.size();
            for (var it = pending.iterator(); it.hasNext();) {
                Node n = it.next();
                if (n.inputs().stream().allMatch(i -> i.isEmpty() || known.contains(i))) {
                    sorted.add(n);
                    known.addAll(n.outputs());
                    it.remove();
                }
            }
            if (sorted.size() == before) {
                throw new UnsupportedNodeException(pending.get(0), "its inputs are never computed (a cycle or a missing value)");
            }
        }
        return sorted;
    }
}
