package io.piip4j.train;

/**
 * The measurements of one epoch, as they go to {@code history.json} and the curves.
 *
 * @param imagesPerSecond training throughput over the epoch (forward, backward and update)
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
        double learningRate, double seconds, double imagesPerSecond) {
}
