/**
 * Data sets: readers for the MNIST IDX and CIFAR-10 binary formats, verified fetching with a cache
 * ({@link dev.defensebench.data.DataFetcher}), safe archive extraction, preprocessing and the
 * {@link dev.defensebench.data.DatasetRegistry} that ties them together.
 */
package dev.defensebench.data;
