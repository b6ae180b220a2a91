package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.piip4j.testing.Golden;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code piip forward} on a whole Mask R-CNN checkpoint writes each image's detections and masks. */
class ForwardDetectorTest {
    @TempDir
    Path tmp;

    @Test
    void writesDetectionsPerImage() {
        Path dir = Golden.require().resolve("maskrcnn_det3_deit_window_b2_c");
        CliRun run = CliRun.of("forward", "--config", dir.resolve("case.json").toString(), "--weights",
                dir.resolve("weights.pth").toString(), "--input", dir.resolve("io.pth").toString(), "--output-dir", tmp.toString());
        assertEquals(0, run.exitCode(), run.err());
        Map<String, Object> out = Golden.map(Golden.map(PthReader.read(dir.resolve("io.pth"))).get("output"));
        for (int i = 0; i < 2; i++) {
            NdArray boxes = Npy.read(tmp.resolve("det_bboxes_" + i + ".npy"));
            Golden.assertAgrees((NdArray) ((List<?>) out.get("det_bboxes")).get(i), boxes, "det_bboxes " + i);
            NdArray labels = Npy.read(tmp.resolve("det_labels_" + i + ".npy"));
            assertEquals(DType.INT64, labels.dtype());
            assertArrayEquals(((NdArray) ((List<?>) out.get("det_labels")).get(i)).toFloats(), labels.toFloats());
            NdArray masks = Npy.read(tmp.resolve("masks_" + i + ".npy"));
            assertEquals(DType.UINT8, masks.dtype());
            assertArrayEquals(((NdArray) ((List<?>) out.get("masks")).get(i)).shape(), masks.shape());
        }
        assertFalse(Files.exists(tmp.resolve("output_0.npy")));
    }

    @Test
    void anotherClassCountIsOneLineNamingKeyAndShapes() throws Exception {
        Path dir = Golden.require().resolve("maskrcnn_det3_deit_window_b2_c");
        String json = Files.readString(dir.resolve("case.json")).replace("\"num_classes\": 80", "\"num_classes\": 90");
        Path config = Files.writeString(tmp.resolve("case.json"), json);
        CliRun run = CliRun.of("forward", "--config", config.toString(), "--weights", dir.resolve("weights.pth").toString(),
                "--input", dir.resolve("io.pth").toString(), "--output-dir", tmp.resolve("out").toString());
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("piip: weights.pth: roi_head.bbox_head.fc_cls.weight has shape [81, 64] in the checkpoint but [91, 64]"
                + " in the model (num_classes 90 in the config)", run.err().strip());
        assertFalse(Files.exists(tmp.resolve("out")));
    }
}
