package io.piip4j.detector.train;

/**
 * One training image's objects, in the coordinates of the network's input (after resizing and
 * flipping; masks padded to the input size), as mmdetection's {@code gt_bboxes}, {@code gt_labels}
 * and {@code gt_masks}.
 *
 * @param boxes  n × 4 ({@code x1 y1 x2 y2})
 * @param labels n class indexes, 0-based
 * @param masks  n × height × width, 0 or 1, row-major; null for a box-only detector
 */
public record GroundTruth(float[] boxes, int[] labels, byte[] masks, int height, int width) {
    public GroundTruth {
        if (boxes.length != 4 * labels.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + boxes.length / 4.0 + " boxes");
        }
        if (masks != null && masks.length != labels.length * height * width) {
            throw new IllegalArgumentException(masks.length + " mask values for " + labels.length + " masks of " + height + "×" + width);
        }
    }

    public int count() {
        return labels.length;
    }
}
