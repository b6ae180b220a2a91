package io.piip4j.head;

/**
 * One image's detections: {@code count} boxes {@code x1 y1 x2 y2 score} (in {@code boxes}, row-major),
 * their class indices, and, where a mask head ran, one binary mask per detection
 * ({@code count × height × width}, 0 or 1).
 */
public record Detections(int count, float[] boxes, int[] labels, int height, int width, byte[] masks) {
    public Detections {
        if (boxes.length != 5 * count || labels.length != count) {
            throw new IllegalArgumentException(count + " detections with " + boxes.length + " box values and " + labels.length + " labels");
        }
        if (masks != null && masks.length != (long) count * height * width) {
            throw new IllegalArgumentException(count + " masks of " + height + "x" + width + " but " + masks.length + " values");
        }
    }

    public Detections withMasks(int height, int width, byte[] masks) {
        return new Detections(count, boxes, labels, height, width, masks);
    }
}
