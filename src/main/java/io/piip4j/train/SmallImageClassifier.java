package io.piip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.data.ImageSet;
import io.piip4j.data.SmallImages;
import io.piip4j.nn.MixedPrecision;
import io.piip4j.predict.Classification;
import io.piip4j.predict.TopK;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.LoadReport;
import io.piip4j.weights.ResourceCheckpoint;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.StateDictLoader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A classifier trained by {@code piip train} on small images, with the preprocessing it was
 * trained with ({@code classifier.json}, written next to the weights): any image is converted to
 * the data's channels (grey as PIL's {@code convert("L")}) and size, then normalised and resized
 * to the model's input exactly as in training. MNIST-style data has light objects on a dark
 * background; with {@code background: "dark"} an image whose border is mostly light (a photo on
 * white) is inverted first, unless told otherwise.
 *
 * <p>{@link #builtIn()} is the Fashion-MNIST PIIP shipped with piip4j, the default of
 * {@code piip classify}.
 */
public final class SmallImageClassifier implements AutoCloseable {
    /** Whether to invert an image's grey levels before classifying it. */
    public enum Invert {
        AUTO,
        YES,
        NO
    }

    private static final String BUILT_IN = "/io/piip4j/default/fashion-mnist-piip";

    private final TrainableClassifier model;
    private final JsonNode spec;
    private final int channels;
    private final int size;
    private final InputPipeline input;
    private final List<String> classes;
    private final boolean darkBackground;

    private SmallImageClassifier(TrainableClassifier model, JsonNode spec) {
        this.model = model;
        this.spec = spec;
        JsonNode in = spec.get("input");
        this.channels = in.get("channels").asInt();
        this.size = in.get("size").asInt();
        this.input = new InputPipeline(numbers(in.get("mean")), numbers(in.get("std")), model.inputSize());
        List<String> names = new ArrayList<>();
        spec.get("classes").forEach(n -> names.add(n.asText()));
        this.classes = List.copyOf(names);
        this.darkBackground = "dark".equals(in.path("background").asText("any"));
        model.module().train(false);
    }

    /** A {@code classifier.json} and its weights (as {@code piip train} writes them). */
    public static SmallImageClassifier load(Path specFile, Path weights) {
        JsonNode spec;
        try {
            spec = new ObjectMapper().readTree(specFile.toFile());
        } catch (IOException e) {
            throw new ConfigException(specFile + ": cannot read (" + e.getMessage() + ")");
        }
        return load(spec, weights, specFile.getFileName().toString());
    }

    static SmallImageClassifier load(JsonNode spec, Path weights, String name) {
        for (String k : new String[] {"model", "input", "classes"}) {
            if (!spec.has(k)) {
                throw new ConfigException(name + ": " + k + ": missing");
            }
        }
        TrainableClassifier m = Recipe.model(spec.get("model").get("type").asText(), spec.get("model").get("config"));
        try {
            LoadReport r = StateDictLoader.load(m.module(), PthReader.readStateDict(weights), true, weights.getFileName().toString());
            if (r.loaded() == 0) {
                throw new ConfigException(weights + ": holds none of the model's weights");
            }
            return new SmallImageClassifier(m, spec);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The Fashion-MNIST PIIP model shipped in the jar. */
    public static SmallImageClassifier builtIn() {
        try (InputStream js = SmallImageClassifier.class.getResourceAsStream(BUILT_IN + ".json");
                InputStream w = SmallImageClassifier.class.getResourceAsStream(BUILT_IN + ".pth")) {
            if (js == null || w == null) {
                throw new ConfigException("the built-in Fashion-MNIST model is not in this build (resources " + BUILT_IN + ".json/.pth)");
            }
            JsonNode spec = new ObjectMapper().readTree(js);
            return ResourceCheckpoint.read(w, "piip-default", tmp -> load(spec, tmp, "fashion-mnist-piip.pth"));
        } catch (IOException e) {
            throw new ConfigException("cannot read the built-in model (" + e.getMessage() + ")");
        }
    }

    public List<String> classes() {
        return classes;
    }

    public JsonNode spec() {
        return spec;
    }

    /** The top-{@code k} classes of an image of any size, grey or colour. */
    public List<Classification> classify(BufferedImage image, int k, Invert invert) {
        byte[] s = SmallImages.samples(image, channels, size);
        if (invert == Invert.YES || (invert == Invert.AUTO && darkBackground && lightBorder(s))) {
            for (int i = 0; i < s.length; i++) {
                s[i] = (byte) (255 - (s[i] & 0xFF));
            }
        }
        float[] logits = Inference.run(() -> {
            Tensor x = input.toTensor(s, 1, channels, size, size);
            return Tensors.toFloats(model.logits(x));
        });
        return TopK.topK(logits, k, classes);
    }

    /** Mean of the outermost pixel ring above mid-grey: the background is light. */
    private boolean lightBorder(byte[] s) {
        long sum = 0;
        int n = 0;
        for (int c = 0; c < channels; c++) {
            int off = c * size * size;
            for (int i = 0; i < size; i++) {
                sum += (s[off + i] & 0xFF) + (s[off + (size - 1) * size + i] & 0xFF);
                sum += (s[off + i * size] & 0xFF) + (s[off + i * size + size - 1] & 0xFF);
                n += 4;
            }
        }
        return sum > 127L * n;
    }

    private static double[] numbers(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    /** The predicted class of every image of {@code set} (as stored: no inversion), {@code batch} at a time. */
    public int[] predict(ImageSet set, int batch) {
        int[] out = new int[set.size()];
        for (int from = 0; from < set.size(); from += batch) {
            int n = Math.min(batch, set.size() - from);
            byte[] pixels = java.util.Arrays.copyOfRange(set.pixels(), from * set.imageBytes(), (from + n) * set.imageBytes());
            float[] best = Inference.run(() -> Tensors.toFloats(model.logits(input.toTensor(pixels, n, channels, size, size))
                    .argmax(new org.bytedeco.pytorch.LongOptional(1), false)));
            for (int i = 0; i < n; i++) {
                out[from + i] = (int) best[i];
            }
        }
        return out;
    }

    /** Matrix products in bfloat16 from now on, as {@code PiipModel.bfloat16()}. */
    public SmallImageClassifier bfloat16() {
        MixedPrecision.toBfloat16(model.module());
        return this;
    }

    @Override
    public void close() {
        model.close();
    }
}
