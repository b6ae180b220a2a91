package io.piip4j.eval.coco;

/** An image of a COCO data set: masks of its annotations and detections have its size. */
public record CocoImage(long id, int height, int width) {
}
