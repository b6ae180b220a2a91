package io.piip4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run stands, everything besides weights and optimizer moments that a resumed run needs
 * to continue exactly: the position (epochs completed, batches done in the current one, global
 * step), the running sums of the current epoch, the engine generator's state (drop path) and the
 * per-epoch history.
 */
public final class TrainState {
    int epoch;
    int batch;
    long step;
    double lossSum;
    /** The running sum of each named loss (× batch size) this epoch, where the model has several. */
    final Map<String, Double> lossSums = new LinkedHashMap<>();
    long correct;
    long seen;
    double epochSeconds;
    byte[] rng;
    final List<EpochStats> history = new ArrayList<>();

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }

    public long step() {
        return step;
    }

    public List<EpochStats> history() {
        return List.copyOf(history);
    }

    void startEpoch() {
        batch = 0;
        lossSum = 0;
        lossSums.clear();
        correct = 0;
        seen = 0;
        epochSeconds = 0;
    }
}
