package io.piip4j.detector;

import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.head.StageSink;
import io.piip4j.tensor.NdArray;
import java.util.List;

/**
 * A whole detector (backbone, neck, heads) as the predictor and the commands use it, whatever its
 * kind ({@link MaskRcnn}, {@link Dino}): batched detection on normalised, padded images, its test
 * pipeline and its class names. Closing it frees its weights.
 */
public interface DetectionModel extends AutoCloseable {
    /**
     * Detects on a normalised, padded batch (B, 3, H, W), one meta per image, reporting intermediate
     * stages to {@code sink}.
     *
     * @param rescale boxes (and masks) in original-image pixels, as mmdetection's {@code rescale=True}
     */
    List<Detections> detect(NdArray images, List<ImageMeta> metas, boolean rescale, StageSink sink);

    default List<Detections> detect(NdArray images, List<ImageMeta> metas, boolean rescale) {
        return detect(images, metas, rescale, StageSink.NONE);
    }

    /** The test pipeline images go through before this model (the config's, where it was loaded from one). */
    DetectionPreprocess pipeline();

    /** The class names, by label index. */
    List<String> classNames();

    /** Whether its detections carry instance masks. */
    boolean predictsMasks();

    /** A predictor for this model: image in, {@link Detection}s out. One per thread; cheap. */
    default Detector newDetector() {
        return new Detector(this, pipeline(), classNames());
    }

    @Override
    void close();

    /** Fails unless {@code images} is (batch, 3, height, width) with one meta per image. */
    static void checkBatch(NdArray images, List<ImageMeta> metas) {
        long[] s = images.shape();
        if (s.length != 4 || s[1] != 3 || s[0] != metas.size()) {
            throw new IllegalArgumentException("input must be (batch, 3, height, width) with one image meta per image, got shape "
                    + java.util.Arrays.toString(s) + " and " + metas.size() + " metas");
        }
    }
}
