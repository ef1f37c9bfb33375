/**
 * The subset of the ONNX protobuf schema this project reads and writes (ModelProto, GraphProto,
 * NodeProto, TensorProto, ValueInfoProto, AttributeProto, OperatorSetIdProto, StringStringEntryProto)
 * as plain records, and {@link dev.defensebench.onnx.graph.OnnxCodec}, which turns them into bytes and
 * back without protoc. Field numbers follow {@code onnx/onnx.proto}.
 */
package dev.defensebench.onnx.graph;
