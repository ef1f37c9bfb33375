/**
 * An ONNX graph interpreter on DJL arrays: every node runs as NDArray operations, so autograd flows
 * from the logits back to the input (white-box attacks) and to the weights.
 */
package dev.defensebench.onnx.interp;
