package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.predict.Labels;
import io.piip4j.testing.Golden;
import io.piip4j.weights.PthReader;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The library's predictor on a DINO: image in, the model's max_per_img detections out, in image pixels. */
class DinoDetectorTest {
    @Test
    void detectsOnAnImageThroughTheCommonInterface() {
        Path dir = Golden.file("dino_det3_deit_window_b2_c");
        try (DetectionModel model = DetectionModels.load(dir.resolve("case.json"),
                PthReader.readStateDict(dir.resolve("weights.pth")), "weights.pth")) {
            assertTrue(model instanceof Dino);
            assertEquals(Labels.coco80(), model.classNames());
            Detector detector = model.newDetector();
            BufferedImage img = new BufferedImage(150, 110, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.ORANGE);
            g.fillRect(20, 30, 60, 40);
            g.dispose();
            List<Detection> dets = detector.detect(img);
            assertEquals(300, dets.size(), "max_per_img");
            for (int i = 0; i < dets.size(); i++) {
                Detection d = dets.get(i);
                assertTrue(d.x1() >= 0 && d.x1() <= d.x2() && d.x2() <= 150 && d.y1() >= 0 && d.y1() <= d.y2() && d.y2() <= 110, d.toString());
                assertNull(d.mask());
                assertEquals(Labels.coco80().get(d.label()), d.className());
                assertTrue(i == 0 || dets.get(i - 1).score() >= d.score(), "best first");
            }
        }
    }
}
