package dev.defensebench.onnx.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX ModelProto.
 *
 * @param irVersion the IR version (7 goes with opset 13)
 * @param opsets the operator sets imported (domain "" is the default ONNX domain)
 * @param producerName who wrote the file
 * @param producerVersion its version
 * @param graph the computation
 * @param metadata metadata_props, in file order
 */
public record Model(long irVersion, List<OpsetId> opsets, String producerName, String producerVersion, Graph graph,
        Map<String, String> metadata) {

    public Model {
        opsets = List.copyOf(opsets);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The version of the default ONNX operator set ("" or "ai.onnx"), or -1 when none is imported. */
    public long defaultOpset() {
        return opsets.stream().filter(o -> OpsetId.isDefaultDomain(o.domain())).mapToLong(OpsetId::version).max().orElse(-1);
    }
}
