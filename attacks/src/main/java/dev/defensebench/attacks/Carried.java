package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Keeps the native memory of an iterative attack flat: every iteration runs in its own {@link
 * NDScope}, the arrays that carry over to the next iteration are {@link #keep kept} past it, and the
 * kept arrays they replace are {@link #release closed}. Closing this closes whatever is still kept.
 */
final class Carried implements AutoCloseable {

    private final Set<NDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Lets {@code arrays} outlive the current iteration's scope (nulls are ignored). */
    void keep(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (a != null) {
                NDScope.unregister(a);
                owned.add(a);
            }
        }
    }

    /** Closes every kept array that is not one of {@code live}. */
    void release(NDArray... live) {
        Set<NDArray> alive = Collections.newSetFromMap(new IdentityHashMap<>());
        for (NDArray a : live) {
            if (a != null) {
                alive.add(a);
            }
        }
        owned.removeIf(a -> {
            if (alive.contains(a)) {
                return false;
            }
            a.close();
            return true;
        });
    }

    @Override
    public void close() {
        release();
    }
}
