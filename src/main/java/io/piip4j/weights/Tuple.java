package io.piip4j.weights;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable list standing for a Python tuple. Kept apart from mutable lists so the reader can
 * tell hashable tuple keys from lists, and so the writer can write a tuple back as a tuple. Being
 * immutable, it caches its hash code and the size of its nested contents, so that a pickle which
 * reuses one large tuple as a key many times does not pay for hashing it each time.
 */
final class Tuple extends AbstractList<Object> implements RandomAccess {

    static final Tuple EMPTY = new Tuple(new Object[0]);

    private final Object[] items;
    private int hash;
    private boolean hashed;
    /** Nodes of this tuple's tree as counted by the reader's key check; 0 until counted. */
    int keyNodes;

    Tuple(Object[] items) {
        this.items = items;
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public int hashCode() {
        if (!hashed) {
            hash = super.hashCode();
            hashed = true;
        }
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (o instanceof Tuple t && t.hashCode() != hashCode()) {
            return false;
        }
        return super.equals(o);
    }
}
