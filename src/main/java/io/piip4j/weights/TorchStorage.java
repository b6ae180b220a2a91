package io.piip4j.weights;

import io.piip4j.tensor.DType;

/**
 * One storage of a checkpoint: the bytes of its {@code data/<key>} zip entry (read once and
 * shared by every tensor viewing it), of which the first {@code nbytes} belong to the storage.
 */
record TorchStorage(String key, DType dtype, byte[] bytes, int nbytes) {

    TorchStorage {
        if (nbytes < 0 || nbytes > bytes.length) {
            throw new IllegalArgumentException("storage " + key + ": " + nbytes + " of " + bytes.length + " bytes");
        }
    }
}
