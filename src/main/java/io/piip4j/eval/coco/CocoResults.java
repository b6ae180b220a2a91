package io.piip4j.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.eval.EvalException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A COCO results file (a list of {@code image_id, category_id, score} with a {@code bbox} and/or
 * a {@code segmentation}), read as pycocotools' {@code loadRes}: detections are numbered 1, 2, …
 * in file order, and the first result decides how areas are taken — from its box (w·h, and a
 * box-only result is masked as its box) when it has one, else from the mask. Unlike pycocotools,
 * a result on an unknown image or category is an error naming it (pycocotools rejects the first
 * and silently drops the second).
 */
public final class CocoResults {
    private CocoResults() {
    }

    /**
     * @param dropBoxes ignore the results' boxes (mmdetection ≥ 2.12 does this for mask
     *     evaluation, so that the size ranges use the mask area)
     */
    public static List<CocoObject> load(Path file, CocoDataset gt, boolean dropBoxes) {
        JsonNode root = CocoJsonFile.read(file);
        if (!root.isArray()) {
            throw new EvalException(file + ": expected a list of results, got " + JsonEntry.kind(root));
        }
        List<CocoObject> out = new ArrayList<>(root.size());
        boolean boxAreas = false;
        String name = file.toString();
        String prefix = name + ": ";
        for (int i = 0; i < root.size(); i++) {
            JsonNode n = root.get(i);
            if (!n.isObject()) {
                throw new EvalException(file + ": [" + i + "]: expected an object, got " + JsonEntry.kind(n));
            }
            JsonEntry e = new JsonEntry(n, prefix, i);
            boolean hasBox = !dropBoxes && e.has("bbox") && !(n.get("bbox").isArray() && n.get("bbox").isEmpty());
            if (i == 0) {
                boxAreas = hasBox;
                if (!hasBox && !e.has("segmentation")) {
                    throw e.error(null, "a result needs a 'bbox' or a 'segmentation'");
                }
            }
            long imageId = e.id("image_id");
            CocoImage image = gt.image(imageId);
            if (image == null) {
                throw e.error("image_id", imageId + " is not an image of " + gt.name());
            }
            long categoryId = e.id("category_id");
            if (gt.category(categoryId) == null) {
                throw e.error("category_id", categoryId + " is not a category of " + gt.name());
            }
            double score = e.number("score");
            long id = i + 1;
            JsonNode segm = e.has("segmentation") ? n.get("segmentation") : null;
            if (boxAreas) {
                double[] box = e.box("bbox");
                out.add(new CocoObject(id, imageId, categoryId, box, box[2] * box[3], false, score, segm, null, name, "", i));
            } else {
                if (segm == null) {
                    throw e.error("segmentation", "missing (the first result has a mask and no box, so all must have masks)");
                }
                Rle rle = Segmentations.toRle(segm, image, new JsonEntry(segm, e.where() + ".segmentation"));
                double[] box = hasBox ? e.box("bbox") : rle.toBbox();
                out.add(new CocoObject(id, imageId, categoryId, box, rle.area(), false, score, segm, rle, name, "", i));
            }
        }
        return out;
    }
}
