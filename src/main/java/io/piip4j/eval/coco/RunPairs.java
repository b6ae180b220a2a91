package io.piip4j.eval.coco;

/**
 * Walks two run-length masks of one size together, as maskApi.c's merge and IoU loops do: each
 * step is the longest stretch on which neither mask changes value ({@link #length} pixels, inside
 * {@link #inA} / {@link #inB}); zero-length runs give zero-length steps, as in the C code.
 */
final class RunPairs {
    private final int[] a;
    private final int[] b;
    private long ca;
    private long cb;
    private int ka = 1;
    private int kb = 1;
    private boolean nextA;
    private boolean nextB;
    private boolean done;
    long length;
    boolean inA;
    boolean inB;

    RunPairs(int[] a, int[] b) {
        this.a = a;
        this.b = b;
        ca = a.length > 0 ? a[0] : 0;
        cb = b.length > 0 ? b[0] : 0;
    }

    /** Moves to the next stretch; false once both masks are exhausted. */
    boolean next() {
        if (done) {
            return false;
        }
        inA = nextA;
        inB = nextB;
        length = Math.min(ca, cb);
        ca -= length;
        if (ca == 0 && ka < a.length) {
            ca = a[ka++];
            nextA = !nextA;
        }
        cb -= length;
        if (cb == 0 && kb < b.length) {
            cb = b[kb++];
            nextB = !nextB;
        }
        done = ca + cb == 0;
        return true;
    }

    /** Whether the stretch just returned was the last. */
    boolean last() {
        return done;
    }

    /** Inside A / B on the stretch after this one. */
    boolean nextInA() {
        return nextA;
    }

    boolean nextInB() {
        return nextB;
    }
}
