/**
 * The subset of the ONNX protobuf schema this project reads and writes (ModelProto, GraphProto,
 * NodeProto, TensorProto, ValueInfoProto, AttributeProto, OperatorSetIdProto, StringStringEntryProto)
 * as plain records, and {@link dev.defensebench.onnx.graph.OnnxCodec}, which maps them to and from the
 * protobuf classes generated from {@code onnx/src/main/proto/onnx.proto} (field numbers as in the
 * official {@code onnx/onnx.proto}).
 */
package dev.defensebench.onnx.graph;
