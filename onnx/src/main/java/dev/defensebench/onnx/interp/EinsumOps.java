package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Einsum as transposes, sums and batched matrix products (so it is differentiable as they are): operands are
 * contracted pairwise from the left, each pair as one {@code matMul} over its batch letters; letters only one
 * operand has and nothing later needs are summed first. Explicit ({@code ->}) and implicit outputs are read; the
 * ellipsis and a letter repeated within one operand (diagonals) are refused.
 */
final class EinsumOps {

    private EinsumOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Einsum", EinsumOps::einsum);
    }

    /** An operand with one letter per axis. */
    private record Term(NDArray a, String letters) {

        long size(char c) {
            return a.getShape().get(letters.indexOf(c));
        }

        /** The axes moved into {@code order}'s order (every letter of {@code order} present). */
        Term permute(String order) {
            if (order.equals(letters)) {
                return this;
            }
            int[] perm = order.chars().map(letters::indexOf).toArray();
            return new Term(a.transpose(perm), order);
        }

        /** Summed over the letters not in {@code keep}. */
        Term sumExcept(String keep) {
            StringBuilder kept = new StringBuilder();
            List<Integer> summed = new ArrayList<>();
            for (int i = 0; i < letters.length(); i++) {
                if (keep.indexOf(letters.charAt(i)) >= 0) {
                    kept.append(letters.charAt(i));
                } else {
                    summed.add(i);
                }
            }
            if (summed.isEmpty()) {
                return this;
            }
            return new Term(a.sum(summed.stream().mapToInt(Integer::intValue).toArray()), kept.toString());
        }
    }

    private static NDList einsum(OpCall call) {
        String equation = call.attrString("equation", "").replace(" ", "");
        if (equation.contains(".")) {
            throw call.unsupported("the ellipsis in equation '" + equation + "' is not supported");
        }
        int arrow = equation.indexOf("->");
        String[] inputs = (arrow < 0 ? equation : equation.substring(0, arrow)).split(",", -1);
        if (inputs.length != call.inputCount()) {
            throw call.unsupported("equation '" + equation + "' names " + inputs.length + " operands for " + call.inputCount() + " inputs");
        }
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            String letters = inputs[i];
            if (letters.chars().distinct().count() != letters.length()) {
                throw call.unsupported("operand '" + letters + "' repeats a letter (diagonals are not supported)");
            }
            if (letters.length() != call.in(i).getShape().dimension()) {
                throw call.unsupported("operand '" + letters + "' names " + letters.length() + " axes of a rank-"
                        + call.in(i).getShape().dimension() + " input");
            }
            terms.add(new Term(call.in(i), letters));
        }
        String output = arrow >= 0 ? equation.substring(arrow + 2) : implicitOutput(inputs);
        Term acc = terms.get(0).sumExcept(needed(output, terms, 1));
        for (int i = 1; i < terms.size(); i++) {
            String later = needed(output, terms, i + 1);
            acc = contract(acc, terms.get(i).sumExcept(later + acc.letters()), later);
        }
        acc = acc.sumExcept(output);
        for (char c : output.toCharArray()) {
            if (acc.letters().indexOf(c) < 0) {
                throw call.unsupported("output letter '" + c + "' is in no operand");
            }
        }
        return OpCall.of(acc.permute(output).a());
    }

    /** The letters that occur exactly once, sorted (numpy's rule for an equation without {@code ->}). */
    private static String implicitOutput(String[] inputs) {
        String all = String.join("", inputs);
        TreeSet<Character> once = new TreeSet<>();
        for (char c : all.toCharArray()) {
            if (all.indexOf(c) == all.lastIndexOf(c)) {
                once.add(c);
            }
        }
        StringBuilder b = new StringBuilder();
        once.forEach(b::append);
        return b.toString();
    }

    /** The letters of the output and of the operands from {@code from} on. */
    private static String needed(String output, List<Term> terms, int from) {
        StringBuilder b = new StringBuilder(output);
        for (int i = from; i < terms.size(); i++) {
            b.append(terms.get(i).letters());
        }
        return b.toString();
    }

    /**
     * x and y contracted over their shared letters that {@code keep} lacks; the result's letters are the batch
     * letters (shared and kept), then x's own, then y's own. Shared size-1 axes broadcast.
     */
    private static Term contract(Term x, Term y, String keep) {
        StringBuilder batch = new StringBuilder();
        StringBuilder summed = new StringBuilder();
        StringBuilder xOwn = new StringBuilder();
        StringBuilder yOwn = new StringBuilder();
        for (char c : x.letters().toCharArray()) {
            if (y.letters().indexOf(c) >= 0) {
                (keep.indexOf(c) >= 0 ? batch : summed).append(c);
            } else {
                xOwn.append(c);
            }
        }
        for (char c : y.letters().toCharArray()) {
            if (x.letters().indexOf(c) < 0) {
                yOwn.append(c);
            }
        }
        String b = batch.toString();
        String k = summed.toString();
        Term xp = broadcast(x.permute(b + xOwn + k), y, b + k);
        Term yp = broadcast(y.permute(b + k + yOwn), x, b + k);
        long bs = product(xp, b);
        long xs = product(xp, xOwn.toString());
        long ks = product(xp, k);
        long ys = product(yp, yOwn.toString());
        NDArray out = xp.a().reshape(bs, xs, ks).matMul(yp.a().reshape(bs, ks, ys));
        String letters = b + xOwn + yOwn;
        long[] dims = new long[letters.length()];
        for (int i = 0; i < dims.length; i++) {
            char c = letters.charAt(i);
            dims[i] = xp.letters().indexOf(c) >= 0 ? xp.size(c) : yp.size(c);
        }
        return new Term(out.reshape(new Shape(dims)), letters);
    }

    /** {@code t} with its size-1 axes among {@code shared} broadcast to {@code other}'s size. */
    private static Term broadcast(Term t, Term other, String shared) {
        long[] dims = t.a().getShape().getShape().clone();
        boolean changed = false;
        for (char c : shared.toCharArray()) {
            int i = t.letters().indexOf(c);
            long o = other.size(c);
            if (dims[i] == 1 && o != 1) {
                dims[i] = o;
                changed = true;
            }
        }
        return changed ? new Term(t.a().broadcast(new Shape(dims)), t.letters()) : t;
    }

    private static long product(Term t, String letters) {
        long p = 1;
        for (char c : letters.toCharArray()) {
            p *= t.size(c);
        }
        return p;
    }
}
