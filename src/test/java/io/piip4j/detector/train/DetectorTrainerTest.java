package io.piip4j.detector.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.data.shapes.ShapesDataset;
import io.piip4j.detector.MaskRcnn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke run of the detector trainer on shapes made in code, with the shipped recipe's model:
 * one short epoch, then the weights load strictly into the model and the history carries every
 * named loss and the validation AP. (Whether it learns is the full recipe's run, not a test.)
 */
class DetectorTrainerTest {
    @TempDir
    Path dir;

    @Test
    void theShippedRecipeReadsAndNamesItsModel() {
        DetectionRecipe r = DetectionRecipe.read(Path.of("recipes/shapes/maskrcnn.json"));
        assertTrue(Files.isRegularFile(r.modelConfig()), r.modelConfig().toString());
        assertEquals(Path.of("shapes-train/instances.json").toAbsolutePath(), r.trainAnnotations());
        assertEquals(2, r.schedule().batchSize());
        assertEquals(0.5, r.flip());
    }

    /** A model config whose classes are not the training set's categories (in id order) is refused before training. */
    @Test
    void classesThatAreNotTheAnnotationsCategoriesAreRefused() throws Exception {
        ShapesDataset.write(dir.resolve("train"), 2, 1, 64, n -> { });
        ObjectMapper mapper = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode cfg = (com.fasterxml.jackson.databind.node.ObjectNode)
                mapper.readTree(Path.of("recipes/shapes/piip-maskrcnn-tiny.json").toFile());
        cfg.putArray("classes").add("square").add("disc").add("triangle").add("ring");
        mapper.writeValue(dir.resolve("swapped.json").toFile(), cfg);
        Files.writeString(dir.resolve("recipe.json"), "{\"name\": \"swapped\", \"task\": \"detection\", \"model\": \"swapped.json\","
                + " \"data\": {\"train\": {\"annotations\": \"train/instances.json\", \"images\": \"train/images\"}},"
                + " \"optim\": {\"lr\": 1e-4}, \"epochs\": 1, \"batch_size\": 2, \"seed\": 3}");
        DetectorTrainer trainer = new DetectorTrainer(DetectionRecipe.read(dir.resolve("recipe.json")),
                new io.piip4j.train.TaskTrainer.Options(dir.resolve("run"), false, true, new PrintStream(new ByteArrayOutputStream()), 0));
        io.piip4j.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(io.piip4j.config.ConfigException.class, trainer::run);
        assertEquals("swapped.json: classes [square, disc, triangle, ring] differ from instances.json's categories in id order"
                + " [disc, square, triangle, ring]", e.getMessage());
        assertTrue(Files.notExists(dir.resolve("run").resolve("model.pth")));
    }

    @Test
    void oneEpochWritesLoadableWeightsLossesAndValidationAp() throws Exception {
        ShapesDataset.write(dir.resolve("train"), 4, 1, 128, n -> { });
        ShapesDataset.write(dir.resolve("val"), 2, 777, 128, n -> { });
        Path model = Path.of("recipes/shapes/piip-maskrcnn-tiny.json").toAbsolutePath();
        String recipe = "{\"name\": \"smoke\", \"task\": \"detection\", \"model\": \"" + model + "\","
                + " \"data\": {\"train\": {\"annotations\": \"train/instances.json\", \"images\": \"train/images\"},"
                + " \"val\": {\"annotations\": \"val/instances.json\", \"images\": \"val/images\"}},"
                + " \"optim\": {\"lr\": 1e-4, \"clip_grad\": 5.0}, \"epochs\": 1, \"batch_size\": 2, \"seed\": 3}";
        Path file = dir.resolve("recipe.json");
        Files.writeString(file, recipe);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path out = dir.resolve("run");
        new DetectorTrainer(DetectionRecipe.read(file), new io.piip4j.train.TaskTrainer.Options(out, false, true, new PrintStream(log), 0)).run();
        JsonNode epoch = new ObjectMapper().readTree(out.resolve("history.json").toFile()).get("epochs").get(0);
        for (String k : List.of("loss", "loss_rpn_cls", "loss_rpn_bbox", "loss_cls", "loss_bbox", "loss_mask")) {
            assertTrue(epoch.has(k) && Double.isFinite(epoch.get(k).asDouble()) && epoch.get(k).asDouble() >= 0, k + " in " + epoch);
        }
        for (String k : List.of("bbox_AP", "segm_AP")) {
            double ap = epoch.get(k).asDouble();
            assertTrue(ap >= 0 && ap <= 1 || ap == -1, k + " = " + ap);
        }
        assertEquals(1, epoch.get("epoch").asInt());
        assertTrue(log.toString().contains("epoch 1/1:"), log.toString());
        java.awt.image.BufferedImage curves = javax.imageio.ImageIO.read(out.resolve("curves.png").toFile());
        assertTrue(curves != null && curves.getWidth() > curves.getHeight(), "curves.png: AP beside the losses");
        // the weights are a whole mmdetection checkpoint of the recipe's model: they load strictly
        try (MaskRcnn loaded = MaskRcnn.load(model, out.resolve("model.pth"))) {
            assertEquals(4, loaded.config().bboxHead().numClasses());
        }
    }
}
