package io.piip4j.llava.lm;

import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * The keys and values every decoder layer has seen, (B, kv heads, T, head dim) each, so a
 * generation step computes only its new token. The held tensors outlive the step that made them
 * (each step runs in its own pointer scope) and are freed when replaced or when the cache closes.
 */
public final class KvCache implements AutoCloseable {
    private final Tensor[] keys;
    private final Tensor[] values;
    private long length;

    public KvCache(int layers) {
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
    }

    /** Tokens held (the position of the next token). */
    public long length() {
        return length;
    }

    /**
     * Appends a layer's new keys and values; returns the whole sequence {keys, values}. The last
     * layer's append advances {@link #length()}.
     */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        Tensor allK = keys[layer] == null ? k : F.cat(2, keys[layer], k);
        Tensor allV = values[layer] == null ? v : F.cat(2, values[layer], v);
        replace(keys, layer, allK);
        replace(values, layer, allV);
        if (layer == keys.length - 1) {
            length = allK.size(2);
        }
        return new Tensor[] {allK, allV};
    }

    private static void replace(Tensor[] slots, int i, Tensor t) {
        Tensor held = new Tensor(t); // a handle of our own, kept past the step's scope
        held.retainReference();
        if (slots[i] != null) {
            slots[i].releaseReference();
        }
        slots[i] = held;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                keys[i].releaseReference();
                values[i].releaseReference();
                keys[i] = null;
                values[i] = null;
            }
        }
        length = 0;
    }
}
