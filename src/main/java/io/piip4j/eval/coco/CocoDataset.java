package io.piip4j.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.eval.EvalException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A COCO ground-truth file ({@code instances_val2017.json}-style): images, categories and
 * annotations, checked as they are read (ids unique, annotations on known images and categories,
 * boxes of four numbers) so that a malformed file fails with its entry named.
 */
public final class CocoDataset {
    private final String name;
    private final Map<Long, CocoImage> images;
    private final Map<Long, CocoCategory> categories;
    private final List<CocoObject> annotations;

    public CocoDataset(String name, List<CocoImage> images, List<CocoCategory> categories, List<CocoObject> annotations) {
        this.name = name;
        this.images = new LinkedHashMap<>();
        for (CocoImage i : images) {
            if (this.images.put(i.id(), i) != null) {
                throw new EvalException(name + ": image id " + i.id() + " appears twice");
            }
        }
        this.categories = new LinkedHashMap<>();
        for (CocoCategory c : categories) {
            if (this.categories.put(c.id(), c) != null) {
                throw new EvalException(name + ": category id " + c.id() + " appears twice");
            }
        }
        Set<Long> ids = new HashSet<>();
        for (CocoObject a : annotations) {
            if (!ids.add(a.id())) {
                throw new EvalException(a.where() + ".id: annotation id " + a.id() + " appears twice");
            }
            if (!this.images.containsKey(a.imageId())) {
                throw new EvalException(a.where() + ".image_id: " + a.imageId() + " is not an image of the file");
            }
            if (!this.categories.containsKey(a.categoryId())) {
                throw new EvalException(a.where() + ".category_id: " + a.categoryId() + " is not a category of the file");
            }
        }
        this.annotations = List.copyOf(annotations);
    }

    public static CocoDataset load(Path file) {
        JsonNode root = CocoJsonFile.read(file);
        if (!root.isObject()) {
            throw new EvalException(file + ": expected a JSON object with images, annotations and categories, got "
                    + JsonEntry.kind(root));
        }
        List<CocoImage> images = new ArrayList<>();
        JsonNode imgs = CocoJsonFile.list(root, "images", file, true);
        for (int i = 0; i < imgs.size(); i++) {
            JsonEntry e = entry(imgs.get(i), file + ": images[" + i + "]");
            int h = e.has("height") ? e.positiveInt("height") : 0;
            int w = e.has("width") ? e.positiveInt("width") : 0;
            images.add(new CocoImage(e.id("id"), h, w, e.has("file_name") ? e.get("file_name").asText() : null));
        }
        List<CocoCategory> cats = new ArrayList<>();
        JsonNode cs = CocoJsonFile.list(root, "categories", file, true);
        for (int i = 0; i < cs.size(); i++) {
            JsonEntry e = entry(cs.get(i), file + ": categories[" + i + "]");
            long id = e.id("id");
            cats.add(new CocoCategory(id, e.has("name") ? e.get("name").asText() : String.valueOf(id)));
        }
        List<CocoObject> anns = new ArrayList<>();
        JsonNode as = CocoJsonFile.list(root, "annotations", file, false);
        for (int i = 0; i < as.size(); i++) {
            JsonEntry e = entry(as.get(i), file + ": annotations[" + i + "]");
            double[] box = e.has("bbox") ? e.box("bbox") : null;
            JsonNode segm = e.has("segmentation") ? e.get("segmentation") : null;
            anns.add(new CocoObject(e.id("id"), e.id("image_id"), e.id("category_id"), box, e.number("area"),
                    e.flag("iscrowd"), Double.NaN, segm, null, file.toString(), "annotations", i));
        }
        return new CocoDataset(file.toString(), images, cats, anns);
    }

    private static JsonEntry entry(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new EvalException(where + ": expected an object, got " + JsonEntry.kind(n));
        }
        return new JsonEntry(n, where);
    }

    /** The file it was read from (or the name it was given). */
    public String name() {
        return name;
    }

    public CocoImage image(long id) {
        return images.get(id);
    }

    /** Images in file order. */
    public List<CocoImage> images() {
        return List.copyOf(images.values());
    }

    public CocoCategory category(long id) {
        return categories.get(id);
    }

    /** Categories in file order. */
    public List<CocoCategory> categories() {
        return List.copyOf(categories.values());
    }

    /** Annotations in file order. */
    public List<CocoObject> annotations() {
        return Collections.unmodifiableList(annotations);
    }

    /** Sorted image ids: pycocotools' default {@code params.imgIds}. */
    public long[] sortedImageIds() {
        return images.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** Sorted category ids: pycocotools' default {@code params.catIds}. */
    public long[] sortedCategoryIds() {
        return categories.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    static Map<Long, Integer> indexOf(long[] ids) {
        Map<Long, Integer> m = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            m.put(ids[i], i);
        }
        return m;
    }
}
