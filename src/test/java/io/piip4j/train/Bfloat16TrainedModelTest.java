package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.data.ImageSet;
import io.piip4j.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped Fashion-MNIST PIIP on the 10,000 test images: float32 scores exactly the accuracy the
 * README and docs/training.md state, and the bfloat16 path keeps it (within 0.3 points, the same
 * class for at least 99% of the images). Needs Debian's {@code dataset-fashion-mnist}, which
 * {@code .ci/run} installs: skipped without it, a failure under {@code CI=true}.
 */
class Bfloat16TrainedModelTest {
    /** Where Debian's dataset-fashion-mnist puts the files (as the recipes expect). */
    private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

    private static ImageSet test;
    private static int[] fp32;
    private static int[] bf16;

    @BeforeAll
    static void predictBothWays() {
        Path images = DATA.resolve("t10k-images-idx3-ubyte.gz");
        if (!Files.isRegularFile(images)) {
            Golden.absent("Fashion-MNIST test set not installed at " + DATA + " (apt-get install dataset-fashion-mnist)");
        }
        try (SmallImageClassifier model = SmallImageClassifier.builtIn()) {
            test = ImageSet.fromIdx(images, DATA.resolve("t10k-labels-idx1-ubyte.gz"), model.classes());
            fp32 = model.predict(test, 500);
            bf16 = model.bfloat16().predict(test, 500);
        }
    }

    private static int correct(int[] predicted) {
        int n = 0;
        for (int i = 0; i < test.size(); i++) {
            n += predicted[i] == test.labels()[i] ? 1 : 0;
        }
        return n;
    }

    @Test
    void float32ScoresTheDocumentedAccuracy() throws Exception {
        assertEquals(10_000, test.size());
        assertEquals(8554, correct(fp32), "correct test images in float32");
        // the figure the documents state, read from them so that they cannot drift apart
        String pct = String.format(Locale.ROOT, "%.2f%%", correct(fp32) / 100.0);
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("repository's recipe, " + pct + " test accuracy"), "README's built-in classifier paragraph: " + pct);
        assertTrue(readme.contains("@ 128 px) | " + pct + " |"), "README's training table: " + pct);
        assertTrue(Files.readString(Path.of("docs/training.md")).contains("@ 128 px | **" + pct + "** |"), "docs/training.md's table: " + pct);
    }

    @Test
    void bfloat16KeepsTheShippedModelsAccuracy() {
        int right32 = correct(fp32);
        int right16 = correct(bf16);
        int same = 0;
        for (int i = 0; i < test.size(); i++) {
            same += fp32[i] == bf16[i] ? 1 : 0;
        }
        double acc32 = (double) right32 / test.size();
        double acc16 = (double) right16 / test.size();
        double agree = (double) same / test.size();
        System.out.printf(Locale.ROOT, "shipped Fashion-MNIST model, %d test images: fp32 %.2f%%, bf16 %.2f%%, same class %.2f%%%n",
                test.size(), 100 * acc32, 100 * acc16, 100 * agree);
        assertTrue(Math.abs(acc32 - acc16) <= 0.003, "accuracy moved by more than 0.3 points");
        assertTrue(agree >= 0.99, "bf16 changed the class of " + (test.size() - same) + " images");
    }
}
