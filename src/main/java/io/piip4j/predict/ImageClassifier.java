package io.piip4j.predict;

import io.piip4j.image.ImageNetTransform;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.NdArray;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Image in, ranked class names out, for one thread (as DJL's {@code Predictor}): the reference's
 * evaluation transform (bicubic resize of the shorter side to size/0.875, centre crop, ImageNet
 * mean/std), the model, softmax. Holds no native memory; the model it came from does.
 */
public final class ImageClassifier {
    private final PiipModel model;
    private final List<String> labels;
    private final ImageNetTransform transform;

    ImageClassifier(PiipModel model, List<String> labels) {
        this.model = model;
        this.labels = List.copyOf(labels);
        this.transform = new ImageNetTransform(model.inputSize());
    }

    public List<Classification> classify(BufferedImage image, int topK) {
        return classifyPixels(transform.apply(image), topK);
    }

    public List<Classification> classify(Path imageFile, int topK) {
        return classify(ImageNetTransform.read(imageFile), topK);
    }

    /** Encoded image bytes (JPEG, PNG, …). */
    public List<Classification> classify(byte[] encodedImage, int topK) {
        return classify(ImageNetTransform.read(encodedImage), topK);
    }

    /** A preprocessed CHW float image of the model's input size. */
    public List<Classification> classifyPixels(float[] chw, int topK) {
        int s = model.inputSize();
        NdArray input = NdArray.ofFloats(chw, 1, 3, s, s);
        float[] logits = model.withNetwork(() -> Tensors.toFloats(
                model.classification().logits(model.onDevice(input))));
        return TopK.topK(logits, topK, labels);
    }

    public List<String> labels() {
        return labels;
    }
}
