package dev.defensebench.onnx;

import ai.djl.nn.LambdaBlock;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the values a DJL {@link LambdaBlock} was built with (e.g. the kernel, stride and padding of
 * {@code Pool.maxPool2dBlock}): DJL keeps them only as the captured arguments of its lambdas, so they
 * are read (never written) by reflection, in capture order. Wrapping lambdas (such as the one of
 * {@code LambdaBlock.singleton}) are looked through.
 */
final class LambdaArguments {

    private LambdaArguments() {}

    /** The captured values of {@code block}'s function, innermost lambda's arguments in order. */
    static List<Object> of(LambdaBlock block) {
        try {
            Field f = LambdaBlock.class.getDeclaredField("lambda");
            f.setAccessible(true);
            List<Object> values = new ArrayList<>();
            collect(f.get(block), values, 0);
            return values;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the settings of DJL block '" + block.getName() + "' ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static void collect(Object lambda, List<Object> out, int depth) throws IllegalAccessException {
        if (depth > 4) {
            return;
        }
        Field[] fields = lambda.getClass().getDeclaredFields();
        Arrays.sort(fields, Comparator.comparing(Field::getName));
        for (Field field : fields) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(lambda);
            if (value instanceof Function<?, ?> && isLambda(value)) {
                collect(value, out, depth + 1);
            } else {
                out.add(value);
            }
        }
    }

    private static boolean isLambda(Object value) {
        return value.getClass().isHidden() || value.getClass().getName().contains("$$Lambda");
    }
}
