package io.piip4j.segmentor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.data.shapes.ShapesDataset;
import io.piip4j.segmentor.UperNet;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Checkpoints;
import io.piip4j.weights.PthReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segmentor trainer end to end on a few shapes images: one short epoch, then the weights
 * (BatchNorm's trained statistics included) load strictly into the model, and the history
 * carries both heads' losses and the validation mIoU. (Whether it learns is the full recipe's run.)
 */
class SegmentorTrainerTest {
    private static final Path MODEL = Path.of("recipes/shapes/piip-upernet-tiny.json").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void theShippedRecipeReads() {
        SegmentationRecipe r = SegmentationRecipe.read(Path.of("recipes/shapes/upernet.json"));
        assertTrue(Files.isRegularFile(r.modelConfig()), r.modelConfig().toString());
        assertEquals(Path.of("shapes-train/labels").toAbsolutePath(), r.trainLabels());
        assertEquals(false, r.reduceZeroLabel());
        assertEquals(0.75, r.augment().catMaxRatio());
        assertEquals(4, r.schedule().batchSize());
        SegmentationRecipe vit = SegmentationRecipe.read(Path.of("recipes/shapes/upernet-vit.json"));
        assertTrue(Files.isRegularFile(vit.modelConfig()), vit.modelConfig().toString());
        assertEquals(r.schedule(), vit.schedule(), "the baseline runs the same schedule");
    }

    private Path recipe(String extra) throws Exception {
        String json = "{\"name\": \"smoke\", \"task\": \"segmentation\", \"model\": \"" + MODEL + "\","
                + " \"data\": {\"train\": {\"images\": \"train/images\", \"labels\": \"train/labels\"},"
                + " \"val\": {\"images\": \"val/images\", \"labels\": \"val/labels\"}},"
                + " \"optim\": {\"lr\": 1e-3, \"clip_grad\": 5.0}, \"epochs\": 1, \"batch_size\": 2, \"seed\": 3" + extra + "}";
        Path file = dir.resolve("recipe.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void oneEpochWritesLoadableWeightsLossesAndValidationMiou() throws Exception {
        ShapesDataset.write(dir.resolve("train"), 4, 1, 256, n -> { });
        ShapesDataset.write(dir.resolve("val"), 2, 777, 256, n -> { });
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path out = dir.resolve("run");
        Map<String, Double> last = new SegmentorTrainer(SegmentationRecipe.read(recipe("")),
                new io.piip4j.train.TaskTrainer.Options(out, false, true, new PrintStream(log), 0)).run();
        double miou = last.get("mIoU");
        assertTrue(miou >= 0 && miou <= 1, "mIoU " + miou);
        JsonNode epoch = new ObjectMapper().readTree(out.resolve("history.json").toFile()).get("epochs").get(0);
        for (String k : List.of("loss", "decode.loss_ce", "aux.loss_ce", "mIoU", "aAcc", "mAcc")) {
            assertTrue(epoch.has(k) && Double.isFinite(epoch.get(k).asDouble()), k + " in " + epoch);
        }
        assertEquals(epoch.get("loss").asDouble(), epoch.get("decode.loss_ce").asDouble() + epoch.get("aux.loss_ce").asDouble(), 1e-5);
        assertTrue(log.toString().contains("epoch 1/1:") && log.toString().contains("mIoU"), log.toString());
        java.awt.image.BufferedImage curves = javax.imageio.ImageIO.read(out.resolve("curves.png").toFile());
        assertTrue(curves != null && curves.getWidth() > curves.getHeight(), "curves.png: mIoU beside the losses");
        // the weights are a whole mmseg checkpoint of the recipe's model, BatchNorm trained in training mode
        Map<String, NdArray> sd = Checkpoints.readStateDict(out.resolve("model.pth"), PthReader.Options.DEFAULT);
        NdArray counter = sd.get("decode_head.fpn_bottleneck.bn.num_batches_tracked");
        assertEquals(2L, counter.data().getLong(0), "two steps, one batch each");
        NdArray var = sd.get("decode_head.fpn_bottleneck.bn.running_var");
        assertNotEquals(1.0f, var.data().getFloat(0), "running statistics moved from their initial values");
        try (UperNet loaded = UperNet.load(MODEL, out.resolve("model.pth"))) {
            assertEquals(5, loaded.numClasses());
        }
    }

    @Test
    void aKilledRunResumesFromItsLastEpochExactly() throws Exception {
        ShapesDataset.write(dir.resolve("train"), 4, 1, 256, n -> { });
        String json = "{\"name\": \"resume\", \"task\": \"segmentation\", \"model\": \"" + MODEL + "\","
                + " \"data\": {\"train\": {\"images\": \"train/images\", \"labels\": \"train/labels\"}},"
                + " \"optim\": {\"lr\": 1e-3, \"warmup_epochs\": 1}, \"epochs\": 2, \"batch_size\": 2, \"seed\": 5}";
        Path file = dir.resolve("resume.json");
        Files.writeString(file, json);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        SegmentationRecipe r = SegmentationRecipe.read(file);
        Path whole = dir.resolve("whole");
        new SegmentorTrainer(r, new io.piip4j.train.TaskTrainer.Options(whole, false, true, quiet, 0)).run();
        // killed one step into the second epoch (two steps per epoch), then resumed
        Path killed = dir.resolve("killed");
        new SegmentorTrainer(r, new io.piip4j.train.TaskTrainer.Options(killed, false, true, quiet, 3)).run();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new SegmentorTrainer(r, new io.piip4j.train.TaskTrainer.Options(killed, true, true, new PrintStream(log), 0)).run();
        assertTrue(log.toString().contains("resuming after epoch 1 of 2"), log.toString());
        Map<String, NdArray> a = Checkpoints.readStateDict(whole.resolve("model.pth"), PthReader.Options.DEFAULT);
        Map<String, NdArray> b = Checkpoints.readStateDict(killed.resolve("model.pth"), PthReader.Options.DEFAULT);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertEquals(a.get(k).data(), b.get(k).data(), k + " differs after resuming"); // dropout draws and BN statistics included
        }
        JsonNode ha = new ObjectMapper().readTree(whole.resolve("history.json").toFile()).get("epochs");
        JsonNode hb = new ObjectMapper().readTree(killed.resolve("history.json").toFile()).get("epochs");
        assertEquals(2, hb.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(ha.get(e).get("loss").asDouble(), hb.get(e).get("loss").asDouble(), 0.0, "epoch " + (e + 1) + " loss");
        }
    }

    @Test
    void resumingWithoutACheckpointSaysSo() throws Exception {
        ShapesDataset.write(dir.resolve("train"), 2, 1, 256, n -> { });
        RuntimeException e = assertThrows(RuntimeException.class, () -> new SegmentorTrainer(SegmentationRecipe.read(recipe("")),
                new io.piip4j.train.TaskTrainer.Options(dir.resolve("empty"), true, true, new PrintStream(new ByteArrayOutputStream()), 0)).run());
        assertTrue(e.getMessage().contains("checkpoint.pth") && e.getMessage().contains("no checkpoint"), e.getMessage());
    }

    @Test
    void aCropOtherThanTheBackbonesInputIsAClearError() throws Exception {
        ShapesDataset.write(dir.resolve("train"), 2, 1, 256, n -> { });
        ConfigException e = assertThrows(ConfigException.class, () -> new SegmentorTrainer(
                SegmentationRecipe.read(recipe(", \"augment\": {\"crop_size\": 128}")),
                new io.piip4j.train.TaskTrainer.Options(dir.resolve("run"), false, true, new PrintStream(new ByteArrayOutputStream()), 0)).run());
        assertTrue(e.getMessage().contains("crop_size") && e.getMessage().contains("256"), e.getMessage());
    }

    @Test
    void aMissingLabelMapIsNamed() throws Exception {
        ShapesDataset.write(dir.resolve("train"), 2, 1, 256, n -> { });
        Path gone = Files.list(dir.resolve("train/labels")).sorted().findFirst().orElseThrow();
        Files.delete(gone);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> SegmentationTrainingSet.load(dir.resolve("train/images"), dir.resolve("train/labels")));
        assertTrue(e.getMessage().contains(gone.getFileName().toString()), e.getMessage());
    }
}
