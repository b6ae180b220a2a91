package io.piip4j.detector.train;

import io.piip4j.data.DataException;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoImage;
import io.piip4j.eval.coco.CocoObject;
import io.piip4j.eval.coco.Rle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A COCO-format folder for training (instances JSON + images), read as mmdetection's
 * {@code CocoDataset} does for training: labels are the categories in id order (0-based), boxes
 * {@code [x, y, x + w, y + h]}, annotations with no area or under a pixel wide or tall are dropped,
 * crowd annotations are left out, and images without objects are skipped ({@code filter_empty_gt}).
 * Masks stay run-length encoded until a batch needs them.
 */
public final class CocoTrainingSet {
    /** One image and its objects, in the image's own pixels. */
    public record Sample(long id, Path file, int width, int height, float[] boxes, int[] labels, List<Rle> masks) {
    }

    private final List<Sample> samples;
    private final List<String> classes;

    private CocoTrainingSet(List<Sample> samples, List<String> classes) {
        this.samples = List.copyOf(samples);
        this.classes = List.copyOf(classes);
    }

    public static CocoTrainingSet load(Path annotations, Path images) {
        if (!Files.isDirectory(images)) {
            throw new DataException(images + ": no such folder");
        }
        CocoDataset gt = CocoDataset.load(annotations);
        long[] catIds = gt.sortedCategoryIds();
        Map<Long, Integer> label = new HashMap<>();
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < catIds.length; i++) {
            label.put(catIds[i], i);
            classes.add(gt.category(catIds[i]).name());
        }
        Map<Long, List<CocoObject>> byImage = new HashMap<>();
        for (CocoObject o : gt.annotations()) {
            byImage.computeIfAbsent(o.imageId(), k -> new ArrayList<>()).add(o);
        }
        List<Sample> out = new ArrayList<>();
        for (CocoImage im : gt.images().stream().sorted(Comparator.comparingLong(CocoImage::id)).toList()) {
            if (im.fileName() == null) {
                throw new DataException(annotations + ": image " + im.id() + " has no file_name");
            }
            List<float[]> boxes = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            List<Rle> masks = new ArrayList<>();
            for (CocoObject o : byImage.getOrDefault(im.id(), List.of())) {
                double[] b = o.bbox();
                if (o.crowd() || o.area() <= 0 || b[2] < 1 || b[3] < 1) {
                    continue;
                }
                boxes.add(new float[] {(float) b[0], (float) b[1], (float) (b[0] + b[2]), (float) (b[1] + b[3])});
                labels.add(label.get(o.categoryId()));
                masks.add(o.rle(im));
            }
            if (boxes.isEmpty()) {
                continue;
            }
            float[] flat = new float[4 * boxes.size()];
            for (int i = 0; i < boxes.size(); i++) {
                System.arraycopy(boxes.get(i), 0, flat, 4 * i, 4);
            }
            out.add(new Sample(im.id(), images.resolve(im.fileName()), im.width(), im.height(), flat,
                    labels.stream().mapToInt(Integer::intValue).toArray(), masks));
        }
        if (out.isEmpty()) {
            throw new DataException(annotations + ": no image has an object to train on");
        }
        return new CocoTrainingSet(out, classes);
    }

    public List<Sample> samples() {
        return samples;
    }

    public int size() {
        return samples.size();
    }

    /** Class names by label. */
    public List<String> classes() {
        return classes;
    }
}
