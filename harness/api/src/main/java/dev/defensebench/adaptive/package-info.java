/**
 * Adaptive evaluation of defenses that transform their input at test time: the classifier with the
 * transform inside ({@link dev.defensebench.adaptive.TransformedClassifier}, also in its BPDA form), the
 * EOT gradient average ({@link dev.defensebench.adaptive.EotClassifier}) and the probe that tells whether a
 * classifier is randomized or gives no usable gradients ({@link dev.defensebench.adaptive.TransformProbe}).
 */
package dev.defensebench.adaptive;
