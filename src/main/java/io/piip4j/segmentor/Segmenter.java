package io.piip4j.segmentor;

import io.piip4j.detector.DetectionImages;
import io.piip4j.head.ImageMeta;
import io.piip4j.image.ImageNetTransform;
import io.piip4j.tensor.NdArray;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Image in, {@link ClassMap} out, for one thread (as DJL's {@code Predictor}): the config's test
 * pipeline ({@link SegmentationPreprocess}: in slide mode the released resizing, in whole mode the
 * image fitted into the backbone's square), the UperNet, the class map at the original size. Get
 * one from {@link UperNet#newSegmenter()}; it holds no native memory (the model does) and the
 * model may serve any number of segmenters at once.
 *
 * <pre>{@code
 * try (UperNet model = UperNet.load(Path.of("config.json"), Path.of("upernet.pth"))) {
 *     ClassMap map = model.newSegmenter().segment(Path.of("street.jpg"));
 *     map.shares().forEach(s -> System.out.printf("%5.1f%% %s%n", 100 * s.share(), s.name()));
 * }
 * }</pre>
 */
public final class Segmenter {
    private final UperNet model;
    private final UperNetConfig.Mode mode;
    private final boolean confidence;
    private final UperNet.WindowListener windows;

    Segmenter(UperNet model, UperNetConfig.Mode mode) {
        this(model, mode, false, UperNet.WindowListener.NONE);
    }

    private Segmenter(UperNet model, UperNetConfig.Mode mode, boolean confidence, UperNet.WindowListener windows) {
        this.model = model;
        this.mode = mode;
        this.confidence = confidence;
        this.windows = windows;
    }

    /** This segmenter in another test mode ({@code whole} or {@code slide}). */
    public Segmenter withMode(UperNetConfig.Mode m) {
        return new Segmenter(model, m, confidence, windows);
    }

    /** This segmenter also returning each pixel's probability of its class ({@link ClassMap#confidence()}). */
    public Segmenter withConfidence(boolean on) {
        return new Segmenter(model, mode, on, windows);
    }

    /** This segmenter telling {@code listener} after each sliding window (for progress on large images). */
    public Segmenter onWindow(UperNet.WindowListener listener) {
        return new Segmenter(model, mode, confidence, listener);
    }

    public UperNetConfig.Mode mode() {
        return mode;
    }

    public List<String> classNames() {
        return model.classNames();
    }

    /** The pipeline this segmenter runs images through. */
    public SegmentationPreprocess pipeline() {
        return mode == UperNetConfig.Mode.WHOLE ? model.pipeline().forWhole(model.inputSize()) : model.pipeline();
    }

    /** How many windows an image of {@code width × height} is cut into (1 in whole mode). */
    public int windowCount(int width, int height) {
        if (mode == UperNetConfig.Mode.WHOLE) {
            return 1;
        }
        int[] size = pipeline().resizedSize(width, height);
        return model.windows(size[1], size[0]).count();
    }

    /**
     * The class of every pixel of the image, at its original size.
     *
     * @throws io.piip4j.image.ImageReadException one line naming the file where it cannot be read
     */
    public ClassMap segment(Path image) {
        return segment(DetectionImages.read(image));
    }

    /** As {@link #segment(Path)} on a decoded image (grey, alpha and palette images converted to RGB). */
    public ClassMap segment(BufferedImage image) {
        return segment(new DetectionImages.Pixels(ImageNetTransform.toRgb(image), image.getWidth(), image.getHeight()));
    }

    /** As {@link #segment(Path)} on packed {@code 0xRRGGBB} pixels. */
    public ClassMap segment(DetectionImages.Pixels image) {
        SegmentationPreprocess.Prepared p = pipeline().apply(image);
        ImageMeta m = p.meta();
        NdArray input = NdArray.ofFloats(p.chw(), 1, 3, m.imgH(), m.imgW());
        return model.segment(input, List.of(m), mode, confidence, windows, io.piip4j.head.StageSink.NONE).get(0);
    }
}
