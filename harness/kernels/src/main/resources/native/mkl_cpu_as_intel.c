/*
 * defense-bench: preloaded (LD_PRELOAD) into the JVM on non-Intel x86 CPUs when the kernel probe finds it
 * both exact (float32 products agree with float64) and faster. The MKL that libtorch links asks this
 * function whether the CPU is an Intel one and, when not, runs its AVX2 code path whatever the CPU has;
 * answering yes makes it choose its kernels by the instruction sets the CPU reports (AVX-512 on an AMD
 * EPYC of family 25 or later). Nothing else is changed.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
