package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-image augmentation draws are independent from image to image and from epoch to epoch
 * (a java.util.Random seeded with consecutive numbers draws nearly the same first value: every image
 * of an epoch was flipped alike and scaled alike), and the same for the same (seed, epoch, image).
 */
class TaskTrainerRandomTest {
    @Test
    void firstDrawsOfAnEpochAreSpreadLikeUniformOnes() {
        for (int epoch = 0; epoch < 3; epoch++) {
            int flipped = 0;
            double min = 1;
            double max = 0;
            int n = 400;
            for (int k = 0; k < n; k++) {
                double d = TaskTrainer.sampleRandom(0, epoch, k).nextDouble();
                flipped += d < 0.5 ? 1 : 0;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            // binomial(400, 0.5): 200 ± 10 (one sd); 140…260 is six sd
            assertTrue(flipped > 140 && flipped < 260, "epoch " + epoch + ": " + flipped + " of " + n + " flips");
            assertTrue(min < 0.05 && max > 0.95, "epoch " + epoch + ": first draws span [" + min + ", " + max + "]");
        }
    }

    @Test
    void theSameImageGetsOtherDrawsInOtherEpochsAndTheSameOnesAgain() {
        int same = 0;
        for (int k = 0; k < 200; k++) {
            boolean a = TaskTrainer.sampleRandom(5, 1, k).nextDouble() < 0.5;
            boolean b = TaskTrainer.sampleRandom(5, 2, k).nextDouble() < 0.5;
            same += a == b ? 1 : 0;
        }
        assertTrue(same > 60 && same < 140, same + " of 200 images flipped alike in two epochs");
        Random x = TaskTrainer.sampleRandom(5, 3, 17);
        Random y = TaskTrainer.sampleRandom(5, 3, 17);
        for (int i = 0; i < 5; i++) {
            assertEquals(x.nextLong(), y.nextLong());
        }
    }
}
