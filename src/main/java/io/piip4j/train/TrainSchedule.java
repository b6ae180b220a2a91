package io.piip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.JsonPath;
import java.util.Set;

/**
 * The optimisation settings a dense-task recipe (detection, segmentation) shares: epochs, batch
 * size, AdamW ({@code optim}: lr, betas, eps, weight decay, and PIIP's layer-wise learning-rate
 * decay as the released configs' {@code paramwise_cfg}), linear warm-up then cosine decay to
 * {@code min_lr}, gradient clipping, the seed, and limits on how many training and validation
 * images are used (smoke runs).
 */
public record TrainSchedule(int epochs, int batchSize, double lr, double minLr, double warmupLr, double warmupEpochs,
        double weightDecay, DenseParamGroups.LayerDecay layerDecay, double beta1, double beta2, double eps, double clipGrad, long seed,
        int trainLimit, int valLimit) {

    /** The recipe keys this record reads (beside each task's own). */
    public static final Set<String> KEYS = Set.of("optim", "epochs", "batch_size", "seed", "train_limit", "val_limit");

    /** A recipe's allowed top-level keys: these and the task's own. */
    public static Set<String> withKeys(String... taskKeys) {
        Set<String> all = new java.util.HashSet<>(KEYS);
        all.addAll(Set.of(taskKeys));
        return Set.copyOf(all);
    }

    /** Reads the schedule from a recipe's top level; {@code defaultLr} and {@code defaultEpochs} differ per task. */
    public static TrainSchedule read(JsonPath doc, double defaultLr, int defaultEpochs) {
        JsonPath o = doc.optionalObject("optim");
        o.allowOnly(Set.of("lr", "min_lr", "warmup_lr", "warmup_epochs", "weight_decay", "paramwise_cfg", "betas", "eps", "clip_grad"));
        double[] betas = o.numbers("betas", new double[] {0.9, 0.999});
        if (betas.length != 2) {
            throw o.error("betas", "expected two numbers");
        }
        JsonNode seed = doc.node().get("seed");
        if (seed != null && !seed.isIntegralNumber()) {
            throw doc.error("seed", "expected an integer, got " + seed);
        }
        return new TrainSchedule(doc.positive("epochs", defaultEpochs), doc.positive("batch_size", 2), o.nonNegative("lr", defaultLr),
                o.nonNegative("min_lr", 1e-6), o.nonNegative("warmup_lr", 1e-6), o.nonNegative("warmup_epochs", 0.5),
                o.nonNegative("weight_decay", 0.05), o.has("paramwise_cfg") ? DenseParamGroups.LayerDecay.read(o.object("paramwise_cfg")) : null,
                betas[0], betas[1], o.nonNegative("eps", 1e-8), o.nonNegative("clip_grad", 0.0),
                seed == null ? 0 : seed.asLong(), doc.nonNegativeInt("train_limit", 0), doc.nonNegativeInt("val_limit", 0));
    }

    /** The same schedule with command-line overrides (null keeps the recipe's value). */
    public TrainSchedule with(Integer epochs, Integer batchSize, Long seed, Integer trainLimit, Integer valLimit) {
        return new TrainSchedule(epochs != null ? epochs : this.epochs, batchSize != null ? batchSize : this.batchSize, lr, minLr,
                warmupLr, warmupEpochs, weightDecay, layerDecay, beta1, beta2, eps, clipGrad, seed != null ? seed : this.seed,
                trainLimit != null ? trainLimit : this.trainLimit, valLimit != null ? valLimit : this.valLimit);
    }
}
