package io.piip4j.detector;

import io.piip4j.head.Detections;
import io.piip4j.image.ImageNetTransform;
import io.piip4j.tensor.NdArray;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Image in, {@link Detection}s out, for one thread (as DJL's {@code Predictor}): the config's test
 * pipeline ({@link DetectionPreprocess}), the detector ({@link MaskRcnn}, {@link Dino}), boxes and
 * masks (where the model has them) rescaled to the original image. Get one from
 * {@link DetectionModel#newDetector()}; it holds no native memory (the model does) and
 * the model may serve any number of detectors at once.
 *
 * <pre>{@code
 * try (MaskRcnn model = MaskRcnn.load(Path.of("config.json"), Path.of("mask_rcnn.pth"))) {
 *     Detector detector = model.newDetector();
 *     for (Detection d : detector.detect(Path.of("street.jpg"))) {
 *         System.out.printf("%.2f %s [%.0f %.0f %.0f %.0f]%n", d.score(), d.className(), d.x1(), d.y1(), d.x2(), d.y2());
 *     }
 * }
 * }</pre>
 */
public final class Detector {
    private final DetectionModel model;
    private final DetectionPreprocess pipeline;
    private final List<String> classNames;

    Detector(DetectionModel model, DetectionPreprocess pipeline, List<String> classNames) {
        this.model = model;
        this.pipeline = pipeline;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Every detection the model reports (Mask R-CNN: those above the config's {@code score_thr}, at
     * most its {@code max_per_img}; DINO: its {@code max_per_img} best), best score first; an empty
     * list where there are none.
     *
     * @throws io.piip4j.image.ImageReadException one line naming the file where it cannot be read
     */
    public List<Detection> detect(Path image) {
        return detect(DetectionImages.read(image));
    }

    /** As {@link #detect(Path)} on a decoded image (grey, alpha and palette images converted to RGB). */
    public List<Detection> detect(BufferedImage image) {
        return detect(new DetectionImages.Pixels(ImageNetTransform.toRgb(image), image.getWidth(), image.getHeight()));
    }

    /** As {@link #detect(Path)} on packed {@code 0xRRGGBB} pixels. */
    public List<Detection> detect(DetectionImages.Pixels image) {
        DetectionPreprocess.Prepared p = pipeline.apply(image);
        NdArray input = NdArray.ofFloats(p.chw(), 1, 3, p.meta().padH(), p.meta().padW());
        Detections d = model.detect(input, List.of(p.meta()), true).get(0);
        List<Detection> out = new ArrayList<>(d.count());
        float[] b = d.boxes();
        for (int i = 0; i < d.count(); i++) {
            int label = d.labels()[i];
            InstanceMask mask = d.masks() == null ? null
                    : new InstanceMask(d.masks(), i * d.height() * d.width(), d.width(), d.height());
            String name = label >= 0 && label < classNames.size() ? classNames.get(label) : "class_" + label;
            out.add(new Detection(b[5 * i], b[5 * i + 1], b[5 * i + 2], b[5 * i + 3], label, name, b[5 * i + 4], mask));
        }
        out.sort(Comparator.comparingDouble(Detection::score).reversed());
        return out;
    }

    /** The class names, by label index. */
    public List<String> classNames() {
        return classNames;
    }

    public DetectionPreprocess pipeline() {
        return pipeline;
    }
}
