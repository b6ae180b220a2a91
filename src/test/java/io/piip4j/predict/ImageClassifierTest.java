package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.piip4j.image.ImageNetTransform;
import io.piip4j.testing.Golden;
import io.piip4j.tensor.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The library API: load once, a classifier per thread, preprocessing inside. */
class ImageClassifierTest {

    @Test
    void classifierEqualsRawForwardOfTheTransformedImage() throws Exception {
        Path dir = Golden.require().resolve("cls2_deit_sephead");
        Path photo = Golden.require().resolveSibling("images").resolve("waterview.jpg");
        try (PiipModel model = PiipModel.load(dir.resolve("case.json"), dir.resolve("weights.pth"))) {
            ImageClassifier classifier = model.newClassifier();
            List<Classification> top = classifier.classify(photo, 5);
            List<Classification> fromBytes = classifier.classify(Files.readAllBytes(photo), 5);
            assertEquals(top, fromBytes);

            float[] chw = new ImageNetTransform(model.inputSize()).apply(photo);
            float[] logits = model.forward(NdArray.ofFloats(chw, 1, 3, 128, 128)).get(0).toFloats();
            assertEquals(TopK.topK(logits, 5, Labels.imagenet1k()), top);
        }
    }

    @Test
    void closedModelRefusesWork() {
        Path dir = Golden.require().resolve("cls2_deit_sephead");
        PiipModel model = PiipModel.load(dir.resolve("case.json"), dir.resolve("weights.pth"));
        ImageClassifier classifier = model.newClassifier();
        model.close();
        assertThrows(IllegalStateException.class, () -> classifier.classifyPixels(new float[3 * 128 * 128], 1));
    }
}
