package io.piip4j.detector;

/**
 * One instance's binary mask at the original image size, row-major: {@link #get(int, int)} is true
 * where the instance is. Immutable (a read-only view of the detector's output).
 */
public final class InstanceMask {
    private final byte[] data;
    private final int offset;
    private final int width;
    private final int height;

    InstanceMask(byte[] data, int offset, int width, int height) {
        if (offset < 0 || (long) offset + (long) width * height > data.length) {
            throw new IllegalArgumentException("mask of " + width + "x" + height + " at " + offset + " outside " + data.length + " bytes");
        }
        this.data = data;
        this.offset = offset;
        this.width = width;
        this.height = height;
    }

    /** A mask from row-major 0/1 values ({@code width × height}); the array is copied. */
    public static InstanceMask of(byte[] rowMajor, int width, int height) {
        if (rowMajor.length != (long) width * height) {
            throw new IllegalArgumentException(width + "x" + height + " mask with " + rowMajor.length + " values");
        }
        return new InstanceMask(rowMajor.clone(), 0, width, height);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean get(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ") outside " + width + "x" + height);
        }
        return data[offset + y * width + x] != 0;
    }

    /** Pixels in the mask. */
    public long area() {
        long n = 0;
        for (int i = offset, end = offset + width * height; i < end; i++) {
            n += data[i] != 0 ? 1 : 0;
        }
        return n;
    }

    /** A copy as row-major 0/1 bytes. */
    public byte[] toBytes() {
        byte[] out = new byte[width * height];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (data[offset + i] != 0 ? 1 : 0);
        }
        return out;
    }

    /** A copy in column-major order, as COCO's run-length encoding reads it. */
    public byte[] toColumnMajor() {
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out[x * height + y] = (byte) (data[offset + y * width + x] != 0 ? 1 : 0);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "InstanceMask[" + width + "x" + height + ", area=" + area() + "]";
    }
}
