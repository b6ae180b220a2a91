package io.piip4j.tensor;

/** Element types that checkpoints and .npy files carry, with their on-disk sizes. */
public enum DType {
    FLOAT32(4, "<f4"),
    FLOAT64(8, "<f8"),
    FLOAT16(2, "<f2"),
    BFLOAT16(2, null),
    INT64(8, "<i8"),
    INT32(4, "<i4"),
    INT16(2, "<i2"),
    INT8(1, "|i1"),
    UINT8(1, "|u1"),
    BOOL(1, "|b1");

    private final int byteSize;
    private final String npyDescr;

    DType(int byteSize, String npyDescr) {
        this.byteSize = byteSize;
        this.npyDescr = npyDescr;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The numpy dtype descriptor, or null where numpy has none (bfloat16). */
    public String npyDescr() {
        return npyDescr;
    }
}
