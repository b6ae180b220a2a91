package io.piip4j.eval.coco;

/**
 * An image of a COCO data set: masks of its annotations and detections have its size.
 *
 * @param fileName the image's {@code file_name}, or null where the file gives none
 */
public record CocoImage(long id, int height, int width, String fileName) {
    public CocoImage(long id, int height, int width) {
        this(id, height, width, null);
    }
}
