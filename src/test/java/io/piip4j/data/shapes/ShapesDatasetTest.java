package io.piip4j.data.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.data.DataException;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoEvaluator;
import io.piip4j.eval.coco.CocoImage;
import io.piip4j.eval.coco.CocoObject;
import io.piip4j.eval.coco.CocoResults;
import io.piip4j.eval.coco.CocoSummary;
import io.piip4j.eval.coco.EvalParams;
import io.piip4j.eval.coco.IouType;
import io.piip4j.eval.coco.Rle;
import io.piip4j.eval.seg.LabelMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesDatasetTest {
    @TempDir
    Path dir;

    @Test
    void annotationsAgreeWithTheLabelMapsAndThePixels() throws Exception {
        Path out = dir.resolve("shapes");
        int[] reported = {0};
        ShapesDataset.write(out, 6, 7, 96, n -> reported[0] = n);
        assertEquals(6, reported[0]);
        CocoDataset gt = CocoDataset.load(out.resolve("instances.json"));
        assertEquals(6, gt.images().size());
        assertEquals(List.of("disc", "square", "triangle", "ring"), gt.categories().stream().map(c -> c.name()).toList());
        int minArea = (int) Math.ceil(ShapesGenerator.MIN_VISIBLE_FRACTION * 96 * 96);
        for (CocoImage img : gt.images()) {
            LabelMap labels = LabelMap.read(out.resolve("labels").resolve(img.fileName()));
            assertTrue(Files.isRegularFile(out.resolve("images").resolve(img.fileName())));
            int[] fromMasks = new int[96 * 96];
            List<CocoObject> objs = gt.annotations().stream().filter(a -> a.imageId() == img.id()).toList();
            assertTrue(objs.size() >= 1 && objs.size() <= ShapesGenerator.MAX_SHAPES, "shapes per image: " + objs.size());
            for (CocoObject o : objs) {
                Rle rle = o.rle(img);
                byte[] m = rle.decode(); // column-major
                long area = 0;
                for (int x = 0; x < 96; x++) {
                    for (int y = 0; y < 96; y++) {
                        if (m[x * 96 + y] != 0) {
                            assertEquals(0, fromMasks[y * 96 + x], "masks of one image overlap");
                            fromMasks[y * 96 + x] = (int) o.categoryId();
                            area++;
                        }
                    }
                }
                assertEquals(area, (long) o.area());
                assertTrue(area >= minArea, "visible area " + area + " below " + minArea);
                assertArrayEquals(rle.toBbox(), o.bbox(), 0.0);
            }
            assertArrayEquals(labels.values(), fromMasks, "label map = union of the instance masks");
        }
    }

    @Test
    void theGroundTruthAsDetectionsScoresPerfectly() throws Exception {
        Path out = dir.resolve("shapes");
        ShapesDataset.write(out, 4, 3, 64, n -> { });
        ObjectMapper json = new ObjectMapper();
        ObjectNode coco = (ObjectNode) json.readTree(out.resolve("instances.json").toFile());
        ArrayNode results = json.createArrayNode();
        coco.withArray("annotations").forEach(a -> {
            ObjectNode r = results.addObject();
            r.put("image_id", a.get("image_id").asLong());
            r.put("category_id", a.get("category_id").asLong());
            r.set("bbox", a.get("bbox"));
            r.set("segmentation", a.get("segmentation"));
            r.put("score", 1.0);
        });
        Path file = dir.resolve("results.json");
        json.writeValue(file.toFile(), results);
        CocoDataset gt = CocoDataset.load(out.resolve("instances.json"));
        for (IouType type : IouType.values()) {
            if (type.name().equals("KEYPOINTS")) {
                continue;
            }
            CocoSummary s = CocoSummary.of(CocoEvaluator.evaluate(gt, CocoResults.load(file, gt, false), EvalParams.coco(type)));
            assertEquals(1.0, s.stats()[0], 1e-12, type + " AP of the ground truth itself");
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherImages() throws Exception {
        ShapesDataset.write(dir.resolve("a"), 3, 11, 64, n -> { });
        ShapesDataset.write(dir.resolve("b"), 3, 11, 64, n -> { });
        ShapesDataset.write(dir.resolve("c"), 3, 12, 64, n -> { });
        for (String f : List.of("instances.json", "images/000002.png", "labels/000001.png")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        assertNotEquals(Files.readString(dir.resolve("a/instances.json")), Files.readString(dir.resolve("c/instances.json")));
    }

    @Test
    void refusesAFolderInUseAndLeavesNothingHalfWritten() throws Exception {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("x.txt"), "mine");
        DataException e = assertThrows(DataException.class, () -> ShapesDataset.write(used, 2, 0, 64, n -> { }));
        assertEquals(used + ": exists and is not empty (choose a new folder)", e.getMessage());
        assertEquals("mine", Files.readString(used.resolve("x.txt")));
        Path missing = dir.resolve("no/such/parent");
        assertThrows(DataException.class, () -> ShapesDataset.write(missing, 2, 0, 64, n -> { }));
        // a failure mid-way (the progress callback throws) removes the temporary folder
        assertThrows(IllegalStateException.class, () -> ShapesDataset.write(dir.resolve("half"), 3, 0, 64, n -> {
            throw new IllegalStateException("stop");
        }));
        assertFalse(Files.exists(dir.resolve("half")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("used"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void shapesCoverTheirGeometricArea() {
        double r = 200;
        assertArea(new Shape(ShapeKind.DISC, 500, 500, r, 0, 0), Math.PI * r * r);
        assertArea(new Shape(ShapeKind.RING, 500, 500, r, 0, 0), Math.PI * r * r * (1 - Shape.RING_INNER * Shape.RING_INNER));
        assertArea(new Shape(ShapeKind.SQUARE, 500, 500, r, 0.3, 0), 2 * r * r);
        assertArea(new Shape(ShapeKind.TRIANGLE, 500, 500, r, 1.1, 0), 3 * Math.sqrt(3) / 4 * r * r);
    }

    private static void assertArea(Shape s, double expected) {
        long n = 0;
        for (int y = 0; y < 1000; y++) {
            for (int x = 0; x < 1000; x++) {
                if (s.covers(x + 0.5, y + 0.5)) {
                    n++;
                }
            }
        }
        // pixel-centre sampling of a smooth boundary: error of the order of the perimeter, well under 1%
        assertEquals(expected, n, expected * 0.01, s.kind() + " area");
    }
}
