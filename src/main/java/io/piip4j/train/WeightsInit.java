package io.piip4j.train;

import io.piip4j.weights.LoadReport;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.StateDictLoader;
import java.io.PrintStream;
import java.nio.file.Path;

/** Fine-tuning: a model's starting weights from a checkpoint (e.g. one written by {@code piip init}). */
final class WeightsInit {
    private WeightsInit() {
    }

    static void load(TrainableClassifier model, Path weights, PrintStream log) {
        // every parameter must be in the file with its shape: fine-tuning from a partial model
        // would silently train from garbage
        LoadReport r = StateDictLoader.load(model.module(), PthReader.readStateDict(weights), false, weights.getFileName().toString());
        if (!r.missing().isEmpty() || !r.shapeMismatches().isEmpty()) {
            throw new io.piip4j.weights.CheckpointException(weights + ": does not fit the model: " + r.summary());
        }
        log.println("initial weights: " + weights + " (" + r.summary() + ")");
    }
}
