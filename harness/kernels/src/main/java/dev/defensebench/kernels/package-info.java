/**
 * CPU kernels: which oneDNN instruction set and which MKL code path give exact float32 results on this
 * machine ({@link dev.defensebench.kernels.KernelProbe}, run by the launcher before the app), the thread
 * policy for a busy machine, and the verdict caches keyed by CPU and native library. Not part of the plugin
 * API: attacks, defenses and certifiers never need it.
 */
package dev.defensebench.kernels;
