package io.piip4j.weights;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable list standing for a Python tuple. Kept apart from mutable lists so the reader can
 * tell hashable tuple keys from lists, and so the writer can write a tuple back as a tuple.
 */
final class Tuple extends AbstractList<Object> implements RandomAccess {

    static final Tuple EMPTY = new Tuple(new Object[0]);

    private final Object[] items;

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
}
