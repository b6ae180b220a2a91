package io.piip4j.detector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.eval.coco.Rle;
import io.piip4j.eval.coco.RleString;
import java.util.List;

/**
 * Detections as COCO results, as mmdetection's {@code CocoDataset.results2json} writes them (one entry
 * per detection holding both its box and its mask): {@code image_id}, {@code bbox} as
 * {@code [x, y, w, h]} (float32 {@code x2 − x1}, {@code y2 − y1}), {@code score}, {@code category_id}
 * (the 80 contiguous labels mapped to COCO's 91 ids) and {@code segmentation} as compressed RLE
 * {@code {size: [h, w], counts}} that pycocotools' {@code loadRes} (and {@code piip coco-eval}) reads.
 */
public final class CocoDetections {
    /** COCO's category id for each of the 80 contiguous labels (mmdetection's {@code cat_ids}). */
    private static final int[] COCO_IDS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
        27, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
        61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90};

    private CocoDetections() {
    }

    /**
     * The COCO category id of a label: for a detector of 80 classes COCO's id, otherwise {@code label + 1}
     * (mmdetection's {@code cat_ids} of a custom dataset).
     */
    public static int categoryId(int label, int numClasses) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " outside 0.." + (numClasses - 1));
        }
        return numClasses == COCO_IDS.length ? COCO_IDS[label] : label + 1;
    }

    /** The contiguous label of a COCO category id of the 80-class set, or -1. */
    public static int label(int categoryId) {
        for (int i = 0; i < COCO_IDS.length; i++) {
            if (COCO_IDS[i] == categoryId) {
                return i;
            }
        }
        return -1;
    }

    /** The compressed-RLE {@code segmentation} object of a mask: {@code {"size": [h, w], "counts": "…"}}. */
    public static void putRle(ObjectNode into, InstanceMask mask) {
        Rle rle = Rle.encode(mask.toColumnMajor(), mask.height(), mask.width());
        into.putArray("size").add(mask.height()).add(mask.width());
        into.put("counts", RleString.encode(rle));
    }

    /** Appends one results entry per detection of one image to {@code out}. */
    public static void append(ArrayNode out, long imageId, List<Detection> detections, int numClasses) {
        for (Detection d : detections) {
            ObjectNode e = out.addObject();
            e.put("image_id", imageId);
            e.putArray("bbox").add((double) d.x1()).add((double) d.y1()).add((double) (d.x2() - d.x1()))
                    .add((double) (d.y2() - d.y1()));
            e.put("score", (double) d.score());
            e.put("category_id", categoryId(d.label(), numClasses));
            if (d.mask() != null) {
                putRle(e.putObject("segmentation"), d.mask());
            }
        }
    }
}
