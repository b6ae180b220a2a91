package io.piip4j.detector;

/**
 * One detected object, in original-image pixels (after EXIF orientation, as the image was read).
 *
 * @param x1        left edge of the box
 * @param y1        top edge
 * @param x2        right edge
 * @param y2        bottom edge
 * @param label     class index, 0-based, contiguous (0..79 for COCO)
 * @param className the class's name ("person", …)
 * @param score     the classifier's score, 0..1
 * @param mask      the instance's mask at the original size, or null for a detector without a mask head
 */
public record Detection(float x1, float y1, float x2, float y2, int label, String className, float score, InstanceMask mask) {
    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    public boolean hasMask() {
        return mask != null;
    }
}
