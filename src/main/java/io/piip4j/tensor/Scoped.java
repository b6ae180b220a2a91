package io.piip4j.tensor;

import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Runs one step of a forward pass (a block, an interaction, a merge) in its own pointer scope:
 * the step's temporaries are freed as soon as it returns and only its results move to the
 * enclosing scope. Without this every intermediate tensor of a pass lives until
 * {@link Inference#run} returns, which for the dense backbones at detection resolutions is many
 * gigabytes. Freeing a handle never frees storage something else still references (views, the
 * autograd graph), so this is safe under training too.
 */
public final class Scoped {
    private Scoped() {
    }

    /** A step with no result (one that writes into a tensor made outside, say): all its temporaries are freed. */
    public static void run(Runnable step) {
        try (PointerScope inner = new PointerScope()) {
            step.run();
        }
    }

    public static Tensor one(Supplier<Tensor> step) {
        return all(() -> new Tensor[] {step.get()})[0];
    }

    /** Null entries are allowed (e.g. an absent class token). */
    public static Tensor[] all(Supplier<Tensor[]> step) {
        PointerScope outer = PointerScope.getInnerScope();
        try (PointerScope inner = new PointerScope()) {
            Tensor[] results = step.get();
            Tensor[] out = new Tensor[results.length];
            for (int i = 0; i < results.length; i++) {
                if (results[i] == null) {
                    continue;
                }
                // a new handle to the same tensor: the step's own handle may belong to any scope (or
                // be a parameter's), this one is certainly the inner scope's to hand over
                out[i] = new Tensor(results[i]);
                if (outer != null) {
                    outer.attach(out[i]); // survives the inner scope's release, freed with the outer one
                } else {
                    out[i].retainReference(); // no enclosing scope: left to the garbage collector
                }
            }
            return out;
        }
    }
}
