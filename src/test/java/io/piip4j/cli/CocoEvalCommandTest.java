package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code piip coco-eval}: the printed summary, JSON, and one-line errors for bad input. */
class CocoEvalCommandTest {
    private static final String GT = """
            {"images": [{"id": 1, "height": 60, "width": 80}, {"id": 2, "height": 60, "width": 80}],
             "categories": [{"id": 1, "name": "thing"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 40, 40], "area": 1600,
                              "iscrowd": 0, "segmentation": [[10, 10, 50, 10, 50, 50, 10, 50]]}]}
            """;

    @TempDir
    Path tmp;

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private CliRun eval(String results, String... more) throws Exception {
        Path gt = write("gt.json", GT);
        Path res = write("res.json", results);
        String[] args = new String[4 + more.length];
        args[0] = "coco-eval";
        args[1] = "--ann=" + gt;
        args[2] = "--results=" + res;
        args[3] = "--json";
        System.arraycopy(more, 0, args, 4, more.length);
        return CliRun.of(args);
    }

    @Test
    void goldenSummaryTextIsPycocotools() throws Exception {
        Path dir = Golden.file("metrics", "coco_basic");
        CliRun run = CliRun.of("coco-eval", "--ann", dir.resolve("instances.json").toString(), "--results",
                dir.resolve("results.json").toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode exp = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("bbox").get("summary_text");
        String[] lines = run.out().split("\n");
        for (int i = 0; i < 12; i++) {
            assertEquals(exp.get(i).asText(), lines[i]);
        }
    }

    @Test
    void jsonHasStatsAndPerCategoryAp() throws Exception {
        CliRun run = eval("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 40, 40], \"score\": 0.9}]");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals(1.0, o.get("stats").get("AP").asDouble(), 1e-15);
        assertEquals(-1.0, o.get("stats").get("APs").asDouble());
        assertEquals("thing", o.get("per_category_ap").get(0).get("name").asText());
        assertEquals(12, o.get("summary").size());
        // a box-only result evaluated as masks is its box's polygon: the same square
        CliRun segm = eval("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 40, 40], \"score\": 0.9}]",
                "--iou-type", "segm");
        assertEquals(0, segm.exitCode(), segm.err());
        assertEquals(1.0, new ObjectMapper().readTree(segm.out()).get("stats").get("AP").asDouble(), 1e-15);
    }

    @Test
    void malformedAnnotationJson() throws Exception {
        Path gt = write("gt.json", "{\"images\": [");
        Path res = write("res.json", "[]");
        CliRun run = CliRun.of("coco-eval", "--ann", gt.toString(), "--results", res.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("gt.json: not valid JSON"), run.err());
    }

    @Test
    void annotationWithoutArea() throws Exception {
        Path gt = write("gt.json", GT.replace("\"area\": 1600,", ""));
        CliRun run = CliRun.of("coco-eval", "--ann", gt.toString(), "--results", write("res.json", "[]").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("gt.json: annotations[0].area: missing"), run.err());
    }

    @Test
    void resultOnAnUnknownImage() throws Exception {
        CliRun run = eval("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 0.5},"
                + "{\"image_id\": 7, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("res.json: [1].image_id: 7 is not an image of"), run.err());
    }

    @Test
    void resultOfAnUnknownCategory() throws Exception {
        CliRun run = eval("[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("res.json: [0].category_id: 3 is not a category of"), run.err());
    }

    @Test
    void maskOfTheWrongSize() throws Exception {
        CliRun run = eval("[{\"image_id\": 2, \"category_id\": 1, \"score\": 0.5,"
                + " \"segmentation\": {\"size\": [60, 81], \"counts\": \"0\"}}]", "--iou-type", "segm");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("res.json: [0].segmentation.size: mask is 60x81 but image 2 is 60x80"), run.err());
    }

    @Test
    void runsThatDoNotCoverTheImage() throws Exception {
        CliRun run = eval("[{\"image_id\": 2, \"category_id\": 1, \"score\": 0.5,"
                + " \"segmentation\": {\"size\": [60, 80], \"counts\": [100, 20]}}]", "--iou-type", "segm");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("[0].segmentation.counts: runs cover 120 pixels"), run.err());
    }

    @Test
    void resultsThatAreNotAList() throws Exception {
        CliRun run = eval("{\"image_id\": 1}");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("res.json: expected a list of results"), run.err());
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        CliRun bad = eval("[]", "--iou-type", "keypoints");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.errorLine().contains("--iou-type must be bbox or segm"), bad.err());
        CliRun missing = CliRun.of("coco-eval", "--ann", "a.json");
        assertEquals(2, missing.exitCode());
    }
}
