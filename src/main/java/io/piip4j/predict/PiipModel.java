package io.piip4j.predict;

import io.piip4j.config.ConfigException;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.model.ClassificationModel;
import io.piip4j.model.TaskModel;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.RandomWeights;
import io.piip4j.tensor.Devices;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.Checkpoints;
import io.piip4j.weights.LoadReport;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.StateDictLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * A loaded PIIP model: built from its configuration, weights read from a PyTorch checkpoint.
 * Load it once and share it: {@link #forward} and the predictors it hands out may be used from any
 * number of threads at once (weights are only read). {@link #close} frees the weights' native
 * memory; it waits for running forwards and makes later calls fail.
 *
 * <pre>{@code
 * try (PiipModel model = PiipModel.load(Path.of("config.json"), Path.of("piip.pth"))) {
 *     ImageClassifier classifier = model.newClassifier();   // one per thread
 *     List<Classification> top5 = classifier.classify(Path.of("cat.jpg"), 5);
 * }
 * }</pre>
 */
public final class PiipModel implements AutoCloseable {
    private final TaskModel network;
    private final LoadReport loadReport;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;
    private Device device = new Device("cpu");

    private PiipModel(TaskModel network, LoadReport loadReport) {
        this.network = network;
        this.loadReport = loadReport;
    }

    /**
     * Reads the config (case.json, released config or bare backbone JSON) and a checkpoint
     * ({@code .pth} from {@code torch.save}, or {@code .safetensors}), strictly.
     */
    public static PiipModel load(Path config, Path weights) {
        return load(ConfigReader.read(config), weights, true);
    }

    /** As {@link #load(Path, Path)}, reading a {@code .pth} with the given options (e.g. trusted globals). */
    public static PiipModel load(Path config, Path weights, PthReader.Options options) {
        return load(ConfigReader.read(config), weights, true, options);
    }

    /**
     * @param strict fail unless every parameter is in the checkpoint with the right shape and
     *               nothing else is; otherwise load what matches and report the rest
     */
    public static PiipModel load(PiipConfig config, Path weights, boolean strict) {
        return load(config, weights, strict, PthReader.Options.DEFAULT);
    }

    /**
     * @param options how a {@code .pth} is read: globals trusted beyond the safe allow-list, the
     *                pickle size cap ({@code .safetensors} files need none)
     */
    public static PiipModel load(PiipConfig config, Path weights, boolean strict, PthReader.Options options) {
        Map<String, NdArray> stateDict = Checkpoints.readStateDict(weights, options);
        List<String> otherParts = new ArrayList<>();
        stateDict = backboneOf(stateDict, otherParts);
        TaskModel net = TaskModel.build(config);
        try {
            LoadReport report = StateDictLoader.load(net, stateDict, strict, weights.getFileName().toString());
            if (!otherParts.isEmpty()) {
                List<String> unexpected = new ArrayList<>(report.unexpected());
                unexpected.addAll(otherParts);
                report = new LoadReport(report.loaded(), report.missing(), List.copyOf(unexpected), report.shapeMismatches());
            }
            if (report.loaded() == 0) {
                throw new ConfigException(weights.getFileName() + ": no tensor of the checkpoint matches the model (" + report.summary() + ")");
            }
            if (!report.missing().isEmpty() || !report.shapeMismatches().isEmpty()) {
                throw new ConfigException(weights.getFileName() + ": does not fit the model: " + report.summary());
            }
            InferenceWeights.keepOnlyPacked(net); // a loaded model is for inference: one copy of its linear weights
            return new PiipModel(net, report);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /**
     * Whole-model checkpoints as mmdetection / mmsegmentation save them hold the backbone under
     * {@code backbone.} beside the neck and heads: the backbone's tensors are returned without the
     * prefix, the other keys go to {@code otherParts} (reported as unexpected, never an error: the
     * heads are not part of this model). A checkpoint without {@code backbone.} keys is returned as is.
     */
    static Map<String, NdArray> backboneOf(Map<String, NdArray> stateDict, List<String> otherParts) {
        String prefix = "backbone.";
        if (stateDict.keySet().stream().noneMatch(k -> k.startsWith(prefix))) {
            return stateDict;
        }
        Map<String, NdArray> own = new java.util.LinkedHashMap<>();
        stateDict.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                own.put(k.substring(prefix.length()), v);
            } else {
                otherParts.add(k);
            }
        });
        return own;
    }

    /**
     * A model of this config with small random weights (seeded, {@link RandomWeights}): to try the API,
     * time a model or test code around it before downloading anything. Its outputs mean nothing.
     */
    public static PiipModel random(PiipConfig config, long seed) {
        TaskModel network = TaskModel.build(config);
        RandomWeights.fill(network, seed);
        return of(network);
    }

    /** Wraps an already built model whose weights are set (e.g. by training). */
    public static PiipModel of(TaskModel network) {
        return new PiipModel(network, new LoadReport(network.namedParameters().size(), List.of(), List.of(), List.of()));
    }

    public PiipConfig config() {
        return network.config();
    }

    public LoadReport loadReport() {
        return loadReport;
    }

    public long numParameters() {
        return network.numParameters();
    }

    /** The image size the model takes (the highest-resolution branch's; required by classifiers). */
    public int inputSize() {
        return network.input().size();
    }

    /** Raw forward: a float32 (B, 3, H, W) batch in, the model's outputs out, all as plain arrays. */
    public List<NdArray> forward(NdArray input) {
        network.input().check(input.shape());
        return withNetwork(() -> {
            List<NdArray> out = new ArrayList<>();
            for (Tensor t : network.forwardOutputs(onDevice(input))) {
                out.add(Tensors.toNdArray(t.to(org.bytedeco.pytorch.global.torch.ScalarType.Float)));
            }
            return out;
        });
    }

    <T> T withNetwork(java.util.function.Supplier<T> body) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("model is closed");
            }
            return Inference.run(body);
        } finally {
            lock.readLock().unlock();
        }
    }

    TaskModel network() {
        return network;
    }

    /** The model as a classifier; fails for other tasks. */
    ClassificationModel classification() {
        return network.asClassifier().orElseThrow(() -> new IllegalStateException("not a classification model: this config "
                + "is a dense backbone, which returns feature maps (forward(); 'piip forward'), and detects objects inside a detector "
                + "('piip detect' with a Mask R-CNN config)"));
    }

    /** The input as a tensor on the model's device. */
    Tensor onDevice(NdArray input) {
        Tensor t = Tensors.fromNdArray(input);
        return device.is_cpu() ? t : t.to(device, t.scalar_type());
    }

    /**
     * Moves the weights to a device ("cpu", "cuda", "cuda:N"; CUDA needs the {@code -Pgpu} build)
     * and runs there from now on; inputs and outputs stay plain arrays. Returns this model.
     */
    public PiipModel to(String deviceName) {
        Device target = Devices.parse(deviceName);
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("model is closed");
            }
            for (io.piip4j.nn.Parameter p : network.namedParameters().values()) {
                if (p.isSet()) {
                    p.set(p.get().to(target, p.get().scalar_type()));
                }
            }
            device = target;
            return this;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Switches this model to the bfloat16 path (matrix products in bfloat16, norms, sampling and
     * the residual stream in float32, as {@code torch.autocast("cpu", bfloat16)}); outputs stay
     * float32. Waits for running calls. Returns this model.
     */
    public PiipModel bfloat16() {
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("model is closed");
            }
            io.piip4j.nn.MixedPrecision.toBfloat16(network);
            return this;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A classifier for the model's classes, named by {@code labels} (index order). */
    public ImageClassifier newClassifier(List<String> labels) {
        ClassificationModel c = classification();
        if (labels.size() != c.numClasses()) {
            throw new IllegalArgumentException("the model has " + c.numClasses() + " classes, " + labels.size() + " labels given");
        }
        return new ImageClassifier(this, labels);
    }

    /** A classifier with ImageNet-1K names for 1000-class models, generic names otherwise. */
    public ImageClassifier newClassifier() {
        int n = network.asClassifier().map(ClassificationModel::numClasses).orElse(0);
        return newClassifier(n == 1000 ? Labels.imagenet1k() : Labels.generic(n));
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                network.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
