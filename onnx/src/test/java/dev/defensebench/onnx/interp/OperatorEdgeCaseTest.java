package dev.defensebench.onnx.interp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.defensebench.onnx.graph.Attribute;
import dev.defensebench.onnx.graph.Dimension;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.OpsetId;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.onnx.graph.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attribute edge cases of single operators, against values worked out by hand from the ONNX specification. */
class OperatorEdgeCaseTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** Runs one node on data input "x" (other inputs from {@code constants}), output "y", at {@code opset}. */
    private NDArray run(long opset, String op, List<String> inputs, Map<String, Tensor> constants, float[] x, long[] shape,
            Attribute... attributes) {
        Node node = new Node("n", op, "", inputs, List.of("y"), List.of(attributes));
        List<Dimension> dims = new ArrayList<>();
        for (long d : shape) {
            dims.add(Dimension.of(d));
        }
        Graph g = new Graph("g", List.of(node), new ArrayList<>(constants.values()), List.of(new ValueInfo("x", Tensor.FLOAT, dims)),
                List.of(new ValueInfo("y", Tensor.FLOAT, null)));
        Model model = new Model(8, List.of(new OpsetId("", opset)), "test", "1", g, Map.of());
        OnnxGraphBlock block = OnnxGraphBlock.build(model, manager, DataType.FLOAT32);
        return block.forward(new ParameterStore(), new NDList(manager.create(x, new Shape(shape))), false).singletonOrThrow();
    }

    private static Map<String, Tensor> ints(String name, long... values) {
        return Map.of(name, Tensor.ofLongs(name, new long[] {values.length}, values));
    }

    private static float[] range(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Test
    void gemmTransposesAndScales() {
        // A stored 2x3, used transposed (3x2); B stored 2x2, used transposed; Y = 2 A'B' + 0.5 C
        Map<String, Tensor> c = Map.of("b", Tensor.ofFloats("b", new long[] {2, 2}, new float[] {1, 2, 3, 4}),
                "c", Tensor.ofFloats("c", new long[] {2}, new float[] {10, 20}));
        NDArray y = run(13, "Gemm", List.of("x", "b", "c"), c, new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3},
                Attribute.ofInt("transA", 1), Attribute.ofInt("transB", 1), Attribute.ofFloat("alpha", 2f), Attribute.ofFloat("beta", 0.5f));
        assertThat(y.getShape()).isEqualTo(new Shape(3, 2));
        assertThat(y.toFloatArray()).containsExactly(23, 48, 29, 62, 35, 76);
    }

    @Test
    void clipTakesAttributesBeforeOpset11AndOptionalInputsAfter() {
        float[] x = {-3, -0.5f, 0.5f, 3};
        NDArray attr = run(7, "Clip", List.of("x"), Map.of(), x, new long[] {4}, Attribute.ofFloat("min", -1), Attribute.ofFloat("max", 1));
        assertThat(attr.toFloatArray()).containsExactly(-1, -0.5f, 0.5f, 1);
        Map<String, Tensor> max = Map.of("hi", Tensor.ofFloats("hi", new long[0], new float[] {2}));
        NDArray onlyMax = run(13, "Clip", List.of("x", "", "hi"), max, x, new long[] {4});
        assertThat(onlyMax.toFloatArray()).containsExactly(-3, -0.5f, 0.5f, 2);
    }

    @Test
    void unsqueezeAxesAsAttributeOrInputIncludingNegativeOnes() {
        NDArray attr = run(11, "Unsqueeze", List.of("x"), Map.of(), range(6), new long[] {2, 3}, Attribute.ofInts("axes", 0, -1));
        assertThat(attr.getShape()).isEqualTo(new Shape(1, 2, 3, 1));
        NDArray input = run(13, "Unsqueeze", List.of("x", "axes"), ints("axes", 1), range(6), new long[] {2, 3});
        assertThat(input.getShape()).isEqualTo(new Shape(2, 1, 3));
        NDArray squeezed = run(13, "Squeeze", List.of("x"), Map.of(), range(6), new long[] {1, 6, 1});
        assertThat(squeezed.getShape()).isEqualTo(new Shape(6));
    }

    @Test
    void reshapeCopiesZerosAndInfersMinusOne() {
        NDArray y = run(13, "Reshape", List.of("x", "s"), ints("s", 0, -1), range(24), new long[] {2, 3, 4});
        assertThat(y.getShape()).isEqualTo(new Shape(2, 12));
        NDArray flat0 = run(13, "Flatten", List.of("x"), Map.of(), range(24), new long[] {2, 3, 4}, Attribute.ofInt("axis", 0));
        assertThat(flat0.getShape()).isEqualTo(new Shape(1, 24));
        NDArray flat2 = run(13, "Flatten", List.of("x"), Map.of(), range(24), new long[] {2, 3, 4}, Attribute.ofInt("axis", -1));
        assertThat(flat2.getShape()).isEqualTo(new Shape(6, 4));
    }

    @Test
    void averagePoolWithAsymmetricPadsCountsOrIgnoresThePadding() {
        // 1x1x1x3 row [1,2,3], kernel 1x2, stride 1x2, pads: left 1, right 0 → windows [pad,1], [2,3]
        float[] x = {1, 2, 3};
        Attribute kernel = Attribute.ofInts("kernel_shape", 1, 2);
        Attribute strides = Attribute.ofInts("strides", 1, 2);
        Attribute pads = Attribute.ofInts("pads", 0, 1, 0, 0);
        NDArray exclude = run(13, "AveragePool", List.of("x"), Map.of(), x, new long[] {1, 1, 1, 3}, kernel, strides, pads);
        assertThat(exclude.toFloatArray()).containsExactly(1f, 2.5f);
        NDArray include = run(13, "AveragePool", List.of("x"), Map.of(), x, new long[] {1, 1, 1, 3}, kernel, strides, pads,
                Attribute.ofInt("count_include_pad", 1));
        assertThat(include.toFloatArray()).containsExactly(0.5f, 2.5f);
        NDArray max = run(13, "MaxPool", List.of("x"), Map.of(), new float[] {-1, -2, -3}, new long[] {1, 1, 1, 3}, kernel, strides, pads);
        assertThat(max.toFloatArray()).containsExactly(-1f, -2f);
    }

    @Test
    void convAutoPadSameUpperAndLowerPutTheOddPixelOnOppositeSides() {
        // 1-D conv, kernel [1, 10] (width 2), stride 1 on [1,2,3]: total padding 1
        Map<String, Tensor> w = Map.of("w", Tensor.ofFloats("w", new long[] {1, 1, 2}, new float[] {1, 10}));
        NDArray upper = run(13, "Conv", List.of("x", "w"), w, new float[] {1, 2, 3}, new long[] {1, 1, 3},
                Attribute.ofString("auto_pad", "SAME_UPPER"));
        assertThat(upper.toFloatArray()).containsExactly(21, 32, 3);
        NDArray lower = run(13, "Conv", List.of("x", "w"), w, new float[] {1, 2, 3}, new long[] {1, 1, 3},
                Attribute.ofString("auto_pad", "SAME_LOWER"));
        assertThat(lower.toFloatArray()).containsExactly(10, 21, 32);
    }

    @Test
    void sliceWithNegativeStepAndAttributesBeforeOpset10() {
        Map<String, Tensor> c = new java.util.HashMap<>();
        c.putAll(ints("starts", -1));
        c.putAll(ints("ends", Long.MIN_VALUE));
        c.putAll(ints("axes", 0));
        c.putAll(ints("steps", -2));
        NDArray reversed = run(13, "Slice", List.of("x", "starts", "ends", "axes", "steps"), c, range(5), new long[] {5});
        assertThat(reversed.toFloatArray()).containsExactly(4, 2, 0);
        NDArray old = run(9, "Slice", List.of("x"), Map.of(), range(6), new long[] {2, 3}, Attribute.ofInts("starts", 1),
                Attribute.ofInts("ends", 1000), Attribute.ofInts("axes", 1));
        assertThat(old.toFloatArray()).containsExactly(1, 2, 4, 5);
    }

    @Test
    void gatherAlongAnInnerAxisWithMatrixAndNegativeIndices() {
        Map<String, Tensor> idx = Map.of("i", Tensor.ofLongs("i", new long[] {2, 2}, new long[] {0, -1, 1, 0}));
        NDArray y = run(13, "Gather", List.of("x", "i"), idx, range(6), new long[] {2, 3}, Attribute.ofInt("axis", 1));
        assertThat(y.getShape()).isEqualTo(new Shape(2, 2, 2));
        assertThat(y.toFloatArray()).containsExactly(0, 2, 1, 0, 3, 5, 4, 3);
    }

    @Test
    void splitBySizesOrEqually() {
        NDArray first = run(13, "Split", List.of("x", "s"), ints("s", 1, 3), range(8), new long[] {2, 4}, Attribute.ofInt("axis", 1));
        assertThat(first.getShape()).isEqualTo(new Shape(2, 1));
        assertThat(first.toFloatArray()).containsExactly(0, 4);
    }

    @Test
    void softmaxBeforeOpset13NormalisesTheFlattenedTrailingAxes() {
        NDArray y = run(11, "Softmax", List.of("x"), Map.of(), new float[] {0, 0, 0, 0}, new long[] {1, 2, 2});
        assertThat(y.toFloatArray()).containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
        NDArray z = run(13, "Softmax", List.of("x"), Map.of(), new float[] {0, 0, 0, 0}, new long[] {1, 2, 2});
        assertThat(z.toFloatArray()).containsExactly(0.5f, 0.5f, 0.5f, 0.5f);
    }

    @Test
    void resizeNearestHalfPixelRoundsPreferringFloor() {
        // 1x1x1x2 → width 5 by sizes; half_pixel sources: (o+0.5)*0.4-0.5 = -0.3, 0.1, 0.5, 0.9, 1.3 → 0,0,0,1,1
        Map<String, Tensor> sizes = ints("sizes", 1, 1, 1, 5);
        NDArray y = run(13, "Resize", List.of("x", "", "", "sizes"), sizes, new float[] {7, 9}, new long[] {1, 1, 1, 2});
        assertThat(y.toFloatArray()).containsExactly(7, 7, 7, 9, 9);
        Map<String, Tensor> scales = Map.of("sc", Tensor.ofFloats("sc", new long[] {4}, new float[] {1, 1, 1, 2}));
        NDArray up = run(9, "Upsample", List.of("x", "sc"), scales, new float[] {7, 9}, new long[] {1, 1, 1, 2});
        assertThat(up.toFloatArray()).containsExactly(7, 7, 9, 9);
    }

    @Test
    void reductionsAndGlobalPoolsKeepOrDropAxes() {
        NDArray sum = run(13, "ReduceSum", List.of("x", "a"), ints("a", 0, 2), range(8), new long[] {2, 2, 2}, Attribute.ofInt("keepdims", 0));
        assertThat(sum.toFloatArray()).containsExactly(0 + 1 + 4 + 5, 2 + 3 + 6 + 7);
        NDArray mean = run(13, "ReduceMean", List.of("x"), Map.of(), range(8), new long[] {2, 2, 2}, Attribute.ofInts("axes", -1));
        assertThat(mean.getShape()).isEqualTo(new Shape(2, 2, 1));
        NDArray gmax = run(13, "GlobalMaxPool", List.of("x"), Map.of(), range(8), new long[] {1, 2, 2, 2});
        assertThat(gmax.getShape()).isEqualTo(new Shape(1, 2, 1, 1));
        assertThat(gmax.toFloatArray()).containsExactly(3, 7);
    }

    @Test
    void padAttributeFormAndConstantValue() {
        NDArray y = run(7, "Pad", List.of("x"), Map.of(), new float[] {1, 2}, new long[] {1, 2}, Attribute.ofInts("pads", 0, 1, 0, 2),
                Attribute.ofFloat("value", -1));
        assertThat(y.toFloatArray()).containsExactly(-1, 1, 2, -1, -1);
        assertThatThrownBy(() -> run(7, "Pad", List.of("x"), Map.of(), new float[] {1, 2}, new long[] {1, 2},
                Attribute.ofInts("pads", 0, 1, 0, 2), Attribute.ofString("mode", "reflect")))
                .isInstanceOf(UnsupportedNodeException.class).hasMessageContaining("'n' (Pad)").hasMessageContaining("reflect");
    }

    @Test
    void convTransposeWithOutputPaddingAndGroupsMatchesTheDefinition() {
        // 1-D, 2 groups of 1 channel each, kernel 2, stride 2, output_padding 1, bias [100, 200]
        Map<String, Tensor> c = Map.of("w", Tensor.ofFloats("w", new long[] {2, 1, 2}, new float[] {1, 10, 2, 20}),
                "b", Tensor.ofFloats("b", new long[] {2}, new float[] {100, 200}));
        NDArray y = run(13, "ConvTranspose", List.of("x", "w", "b"), c, new float[] {1, 2, 3, 4}, new long[] {1, 2, 2},
                Attribute.ofInts("strides", 2), Attribute.ofInts("output_padding", 1), Attribute.ofInt("group", 2));
        // channel 0: x=[1,2] → [1,10,2,20] + pad row; channel 1: x=[3,4] → [6,60,8,80] + pad row
        assertThat(y.toFloatArray()).containsExactly(101, 110, 102, 120, 100, 206, 260, 208, 280, 200);
    }

    @Test
    void shapeSlicesItsDimensionsAndPreluSeluFollowTheSpecification() {
        NDArray shape = run(15, "Shape", List.of("x"), Map.of(), range(24), new long[] {2, 3, 4}, Attribute.ofInt("start", -2));
        assertThat(shape.toLongArray()).containsExactly(3, 4);
        assertThat(shape.getDataType()).isEqualTo(DataType.INT64);
        assertThat(Arrays.asList(Operators.supported().toArray())).contains("Conv", "Resize", "Upsample", "HardSwish");
        NDArray prelu = run(13, "PRelu", List.of("x", "s"), Map.of("s", Tensor.ofFloats("s", new long[] {2, 1}, new float[] {0.5f, 2})),
                new float[] {-2, 3, -2, 3}, new long[] {2, 2});
        assertThat(prelu.toFloatArray()).containsExactly(-1, 3, -4, 3);
        NDArray selu = run(13, "Selu", List.of("x"), Map.of(), new float[] {-1, 1}, new long[] {2});
        assertThat(selu.toFloatArray()[0]).isCloseTo((float) (1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1)), within(1e-6f));
    }

    @Test
    void theSmallerOperatorsFollowTheSpecification() {
        float[] x = {-1.5f, 0.5f};
        long[] shape = {2};
        Map<String, Tensor> other = Map.of("o", Tensor.ofFloats("o", new long[] {1}, new float[] {0}));
        assertThat(run(13, "Max", List.of("x", "o"), other, x, shape).toFloatArray()).containsExactly(0, 0.5f);
        assertThat(run(13, "Min", List.of("x", "o"), other, x, shape).toFloatArray()).containsExactly(-1.5f, 0);
        assertThat(run(13, "Sum", List.of("x", "x", "o"), other, x, shape).toFloatArray()).containsExactly(-3, 1);
        assertThat(run(13, "Floor", List.of("x"), Map.of(), x, shape).toFloatArray()).containsExactly(-2, 0);
        assertThat(run(13, "Ceil", List.of("x"), Map.of(), x, shape).toFloatArray()).containsExactly(-1, 1);
        assertThat(run(13, "Softplus", List.of("x"), Map.of(), x, shape).toFloatArray()[1])
                .isCloseTo((float) Math.log1p(Math.exp(0.5)), within(1e-6f));
        assertThat(run(20, "Gelu", List.of("x"), Map.of(), x, shape, Attribute.ofString("approximate", "tanh")).toFloatArray()[1])
                .isCloseTo((float) (0.25 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (0.5 + 0.044715 * 0.125)))), within(1e-6f));
        NDArray expanded = run(13, "Expand", List.of("x", "s"), ints("s", 3, 1), x, new long[] {1, 2});
        assertThat(expanded.getShape()).isEqualTo(new Shape(3, 2));
        NDArray max = run(18, "ReduceMax", List.of("x", "a"), ints("a", 1), range(6), new long[] {2, 3}, Attribute.ofInt("keepdims", 0));
        assertThat(max.toFloatArray()).containsExactly(2, 5);
        NDArray min = run(13, "ReduceMin", List.of("x"), Map.of(), range(6), new long[] {2, 3}, Attribute.ofInts("axes", 0));
        assertThat(min.toFloatArray()).containsExactly(0, 1, 2);
    }

    @Test
    void theOutputBelongsToTheCallersScopeWhileInputAndWeightsStayOpen() {
        Map<String, Tensor> c = Map.of("b", Tensor.ofFloats("b", new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        NDArray x = manager.create(new float[] {1, 1}, new Shape(1, 2));
        NDArray y;
        OnnxGraphBlock block;
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            Node node = new Node("n", "Gemm", "", List.of("x", "b"), List.of("y"), List.of(Attribute.ofInt("transB", 1)));
            Graph g = new Graph("g", List.of(node), List.of(c.get("b")), List.of(new ValueInfo("x", Tensor.FLOAT, null)),
                    List.of(new ValueInfo("y", Tensor.FLOAT, null)));
            block = OnnxGraphBlock.build(new Model(8, List.of(new OpsetId("", 13)), "t", "1", g, Map.of()),
                    manager, DataType.FLOAT32);
            y = block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow();
            assertThat(y.toFloatArray()).containsExactly(3, 7);
        }
        assertThat(y.isReleased()).isTrue();
        assertThat(x.isReleased()).isFalse();
        assertThat(block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow().toFloatArray()).containsExactly(3, 7);
    }

    @Test
    void modWithFmodTakesTheDividendsSign() {
        Map<String, Tensor> c = Map.of("b", Tensor.ofFloats("b", new long[] {4}, new float[] {3, -3, -3, 3}));
        NDArray y = run(13, "Mod", List.of("x", "b"), c, new float[] {-7, 7, -7, 7.5f}, new long[] {4}, Attribute.ofInt("fmod", 1));
        assertThat(y.toFloatArray()).containsExactly(-1, 1, -1, 1.5f);
        assertThatThrownBy(() -> run(13, "Mod", List.of("x", "b"), c, new float[] {1, 2, 3, 4}, new long[] {4}))
                .isInstanceOf(UnsupportedNodeException.class).hasMessageContaining("fmod = 0");
    }

    @Test
    void reflectAndEdgePaddingMirrorOrRepeatTheBorder() {
        Map<String, Tensor> pads = ints("p", 2, 1);
        NDArray reflect = run(13, "Pad", List.of("x", "p"), pads, new float[] {1, 2, 3}, new long[] {3},
                Attribute.ofString("mode", "reflect"));
        assertThat(reflect.toFloatArray()).containsExactly(3, 2, 1, 2, 3, 2);
        NDArray edge = run(13, "Pad", List.of("x", "p"), pads, new float[] {1, 2, 3}, new long[] {3},
                Attribute.ofString("mode", "edge"));
        assertThat(edge.toFloatArray()).containsExactly(1, 1, 1, 2, 3, 3);
        assertThatThrownBy(() -> run(13, "Pad", List.of("x", "p"), ints("p", 3, 0), new float[] {1, 2, 3}, new long[] {3},
                Attribute.ofString("mode", "reflect"))).hasMessageContaining("must be smaller than the axis");
    }

    @Test
    void einsumContractsImplicitAndExplicitEquations() {
        Map<String, Tensor> c = Map.of("w", Tensor.ofFloats("w", new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}));
        NDArray product = run(12, "Einsum", List.of("x", "w"), c, range(6), new long[] {2, 3}, Attribute.ofString("equation", "ij,jk"));
        assertThat(product.getShape()).isEqualTo(new Shape(2, 2));
        assertThat(product.toFloatArray()).containsExactly(13, 16, 40, 52);
        NDArray transposed = run(12, "Einsum", List.of("x", "w"), c, range(6), new long[] {2, 3},
                Attribute.ofString("equation", "ij,jk->ki"));
        assertThat(transposed.toFloatArray()).containsExactly(13, 40, 16, 52);
        NDArray columnSums = run(12, "Einsum", List.of("x"), Map.of(), range(6), new long[] {2, 3}, Attribute.ofString("equation", "ij->j"));
        assertThat(columnSums.toFloatArray()).containsExactly(3, 5, 7);
        assertThatThrownBy(() -> run(12, "Einsum", List.of("x"), Map.of(), range(4), new long[] {2, 2},
                Attribute.ofString("equation", "ii->i"))).hasMessageContaining("diagonals");
    }

    @Test
    void scatterNdReplacesOrAddsRows() {
        Map<String, Tensor> c = Map.of("i", Tensor.ofLongs("i", new long[] {3, 1}, new long[] {1, 1, 3}),
                "u", Tensor.ofFloats("u", new long[] {3}, new float[] {10, 20, 30}));
        NDArray add = run(16, "ScatterND", List.of("x", "i", "u"), c, range(4), new long[] {4}, Attribute.ofString("reduction", "add"));
        assertThat(add.toFloatArray()).containsExactly(0, 31, 2, 33);
        Map<String, Tensor> once = Map.of("i", Tensor.ofLongs("i", new long[] {2, 1}, new long[] {0, 2}),
                "u", Tensor.ofFloats("u", new long[] {2, 2}, new float[] {-1, -2, -3, -4}));
        NDArray replaced = run(13, "ScatterND", List.of("x", "i", "u"), once, range(6), new long[] {3, 2});
        assertThat(replaced.toFloatArray()).containsExactly(-1, -2, 2, 3, -3, -4);
    }

    @Test
    void rangeCountsCeilOfTheSpanOverTheStep() {
        Map<String, Tensor> c = Map.of("s", Tensor.ofFloats("s", new long[0], new float[] {1}),
                "l", Tensor.ofFloats("l", new long[0], new float[] {10}), "d", Tensor.ofFloats("d", new long[0], new float[] {3}));
        NDArray y = run(11, "Range", List.of("s", "l", "d"), c, new float[] {0}, new long[] {1});
        assertThat(y.toFloatArray()).containsExactly(1, 4, 7);
    }

    @Test
    void reductionsOverSeveralAxesReduceOnceNotAxisByAxis() {
        // ReduceSumSquare over both axes of [[1, 2], [3, 4]] is 30 (axis by axis it would be (1 + 9)² + (4 + 16)² = 500)
        NDArray sq = run(13, "ReduceSumSquare", List.of("x"), Map.of(), new float[] {1, 2, 3, 4}, new long[] {2, 2},
                Attribute.ofInts("axes", new long[] {0, 1}), Attribute.ofInt("keepdims", 0));
        assertThat(sq.toFloatArray()).containsExactly(30);
        NDArray lse = run(13, "ReduceLogSumExp", List.of("x"), Map.of(), new float[] {1000, 1000, 0, 0}, new long[] {2, 2},
                Attribute.ofInts("axes", new long[] {1}));
        assertThat(lse.getShape()).isEqualTo(new Shape(2, 1));
        assertThat((double) lse.toFloatArray()[0]).isCloseTo(1000 + Math.log(2), within(1e-3));
        assertThat((double) lse.toFloatArray()[1]).isCloseTo(Math.log(2), within(1e-6));
    }
}
