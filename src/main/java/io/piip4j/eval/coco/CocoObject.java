package io.piip4j.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A ground-truth annotation or a detection, with what the evaluation reads: the box, the area
 * that decides its size range (the annotation's own {@code area} field for ground truth), the
 * crowd flag and, for mask evaluation, the segmentation (converted to an {@link Rle} on first use).
 */
public final class CocoObject {
    private final long id;
    private final long imageId;
    private final long categoryId;
    private final double[] bbox;
    private final double area;
    private final boolean crowd;
    private final double score;
    private final JsonNode segmentation;
    // where the entry is, kept in parts: joined only for a message
    private final String file;
    private final String list;
    private final long index;
    private Rle rle;

    CocoObject(long id, long imageId, long categoryId, double[] bbox, double area, boolean crowd, double score,
            JsonNode segmentation, Rle rle, String file, String list, long index) {
        this.id = id;
        this.imageId = imageId;
        this.categoryId = categoryId;
        this.bbox = bbox;
        this.area = area;
        this.crowd = crowd;
        this.score = score;
        this.segmentation = segmentation;
        this.rle = rle;
        this.file = file;
        this.list = list;
        this.index = index;
    }

    /** A detection with a box, built in code rather than read from a file. */
    public static CocoObject detection(long id, long imageId, long categoryId, double[] bbox, double score) {
        return new CocoObject(id, imageId, categoryId, bbox.clone(), bbox[2] * bbox[3], false, score, null, null,
                "code", "detection", id);
    }

    /** A ground-truth box annotation, built in code rather than read from a file. */
    public static CocoObject annotation(long id, long imageId, long categoryId, double[] bbox, double area, boolean crowd) {
        return new CocoObject(id, imageId, categoryId, bbox.clone(), area, crowd, Double.NaN, null, null, "code", "annotation",
                id);
    }

    public long id() {
        return id;
    }

    public long imageId() {
        return imageId;
    }

    public long categoryId() {
        return categoryId;
    }

    /** {x, y, w, h}; fails naming the entry where the file had none. */
    public double[] bbox() {
        if (bbox == null) {
            throw new io.piip4j.eval.EvalException(where() + ".bbox: missing (needed for box evaluation)");
        }
        return bbox;
    }

    public double area() {
        return area;
    }

    /** {@code iscrowd}: a region of many objects, matched by any number of detections and never counted. */
    public boolean crowd() {
        return crowd;
    }

    /** The detection score (NaN for ground truth). */
    public double score() {
        return score;
    }

    /** Where the entry is, for messages: {@code instances.json: annotations[3]}. */
    public String where() {
        return file + ": " + list + "[" + index + "]";
    }

    /** The mask at the image's size; fails naming the entry where it is missing or malformed. */
    public synchronized Rle rle(CocoImage image) {
        if (rle == null) {
            if (segmentation == null) {
                if (bbox == null) {
                    throw new io.piip4j.eval.EvalException(where() + ".segmentation: missing (needed for mask evaluation)");
                }
                // a box-only detection is evaluated as its box's polygon, as pycocotools' loadRes does
                double x1 = bbox[0];
                double x2 = bbox[0] + bbox[2];
                double y1 = bbox[1];
                double y2 = bbox[1] + bbox[3];
                rle = PolygonMask.fromPolygon(new double[] {x1, y1, x1, y2, x2, y2, x2, y1}, image.height(), image.width());
            } else {
                rle = Segmentations.toRle(segmentation, image, new JsonEntry(segmentation, where() + ".segmentation"));
            }
        }
        return rle;
    }
}
