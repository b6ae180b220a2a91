package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.data.ImageSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The bfloat16 path on trained weights: the shipped Fashion-MNIST PIIP on the 10,000 test images,
 * float32 against bfloat16. Needs Debian's {@code dataset-fashion-mnist} (skipped without it).
 * Bounds: accuracy within 0.3 points, the same class for at least 99% of the images.
 */
class Bfloat16TrainedModelTest {
    private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void bfloat16KeepsTheShippedModelsAccuracy() {
        Path images = DATA.resolve("t10k-images-idx3-ubyte.gz");
        Assumptions.assumeTrue(Files.isRegularFile(images), "Fashion-MNIST test set not installed at " + DATA);
        ImageSet test;
        int[] fp32;
        int[] bf16;
        try (SmallImageClassifier model = SmallImageClassifier.builtIn()) {
            test = ImageSet.fromIdx(images, DATA.resolve("t10k-labels-idx1-ubyte.gz"), model.classes());
            fp32 = model.predict(test, 500);
            bf16 = model.bfloat16().predict(test, 500);
        }
        int right32 = 0;
        int right16 = 0;
        int same = 0;
        for (int i = 0; i < test.size(); i++) {
            right32 += fp32[i] == test.labels()[i] ? 1 : 0;
            right16 += bf16[i] == test.labels()[i] ? 1 : 0;
            same += fp32[i] == bf16[i] ? 1 : 0;
        }
        double acc32 = (double) right32 / test.size();
        double acc16 = (double) right16 / test.size();
        double agree = (double) same / test.size();
        System.out.printf(Locale.ROOT, "shipped Fashion-MNIST model, %d test images: fp32 %.2f%%, bf16 %.2f%%, same class %.2f%%%n",
                test.size(), 100 * acc32, 100 * acc16, 100 * agree);
        assertEquals(10_000, test.size());
        assertTrue(Math.abs(acc32 - acc16) <= 0.003, "accuracy moved by more than 0.3 points");
        assertTrue(agree >= 0.99, "bf16 changed the class of " + (test.size() - same) + " images");
    }
}
