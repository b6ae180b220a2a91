package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.detector.CocoDetections;
import io.piip4j.detector.Detection;
import io.piip4j.detector.DetectionImages;
import io.piip4j.detector.DetectionPainter;
import io.piip4j.detector.Detector;
import io.piip4j.detector.DetectionModel;
import io.piip4j.tensor.Inference;
import io.piip4j.weights.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code piip detect}: a whole Mask R-CNN or DINO checkpoint (or, without {@code --config}/{@code --weights},
 * the built-in shapes detector) on image files: per image a PNG with the detections drawn, and one COCO
 * results JSON for all of them.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        header = "Detect objects in images: boxes, classes, scores (and masks), drawn as PNGs and as COCO results JSON.",
        footer = {"", "Examples:", "  piip detect examples/shapes-2024-8.png",
            "  piip detect --config piip-tsb-maskrcnn-1120-896-448 --weights piip-tsb-maskrcnn-1120-896-448 street.jpg",
            "  piip detect --config ../shared/golden/maskrcnn_det3_deit_window_b2_c/case.json \\",
            "      --weights ../shared/golden/maskrcnn_det3_deit_window_b2_c/weights.pth --out det --score 0.5 *.jpg"},
        description = {"Run a Mask R-CNN or a DINO detector (a whole mmdetection checkpoint) on images (JPEG, PNG, BMP, GIF; grey, RGBA, CMYK,"
            + " 16-bit; JPEG EXIF orientation applied as OpenCV does) with the config's test pipeline.",
            "Without --config/--weights: the built-in shapes detector (a small PIIP Mask R-CNN trained on piip make-shapes images:"
            + " disc, square, triangle, ring).",
            "Writes DIR/<image>.png (boxes, labels, scores, translucent masks; detections with score >= --score) and"
            + " DIR/results.json (COCO results: every detection above the config's score_thr (DINO: its max_per_img best); bbox x,y,w,h, COCO"
            + " category ids, masks as compressed RLE). An image that cannot be read is reported on its own line;"
            + " the others are processed and the exit code is 1."})
final class DetectCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Mask R-CNN or DINO config: a zoo name, a released config or a golden case.json;"
            + " omit with --weights for the built-in shapes detector.")
    String config;

    @Option(names = "--weights", description = "Whole-detector checkpoint (.pth or .safetensors), or a zoo name (see piip fetch, --download).")
    Path weights;

    @Option(names = "--out", defaultValue = "detections", paramLabel = "DIR", description = "Folder for the pictures and results.json (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--score", defaultValue = "0.3", description = "Draw and list detections with at least this score (default ${DEFAULT-VALUE}); results.json keeps all.")
    double score;

    @Option(names = "--json", description = "Print the listed detections as JSON on stdout instead of text.")
    boolean json;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--threads", description = "Engine threads (default: all cores).")
    Integer threads;

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (!(score >= 0 && score <= 1)) {
            throw new UsageException("--score must be between 0 and 1, got " + score);
        }
        if (threads != null) {
            if (threads < 1) {
                throw new UsageException("--threads must be at least 1, got " + threads);
            }
            Inference.setThreads(threads);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException("--out " + out + ": is a file, not a folder");
        }
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode results = mapper.createArrayNode();
        ArrayNode listed = mapper.createArrayNode();
        int failed = 0;
        try (DetectionModel model = Inputs.detector(config, weights, checkpoint, "piip detect")) {
            Files.createDirectories(out);
            Detector detector = model.newDetector();
            int numClasses = detector.classNames().size();
            Set<String> names = new HashSet<>();
            try (Progress progress = new Progress("detect", images.size(), quiet || images.size() < 2, System.err)) {
                for (int i = 0; i < images.size(); i++) {
                    Path image = images.get(i);
                    try {
                        DetectionImages.Pixels pixels = DetectionImages.read(image);
                        List<Detection> all = detector.detect(pixels);
                        List<Detection> shown = all.stream().filter(d -> d.score() >= score).toList();
                        Path png = out.resolve(uniqueName(image, names) + ".png");
                        BufferedImage drawn = DetectionPainter.draw(pixels.toImage(), shown);
                        AtomicFiles.write(png, o -> ImageIO.write(drawn, "png", o));
                        CocoDetections.append(results, imageId(image, i), all, numClasses);
                        report(image, png, pixels, shown, listed);
                    } catch (RuntimeException | OutOfMemoryError e) {
                        failed++;
                        System.err.println("piip: " + Errors.oneLine(e));
                    }
                    progress.step(null);
                }
            }
        }
        Path resultsFile = out.resolve("results.json");
        AtomicFiles.write(resultsFile, o -> mapper.writeValue(o, results));
        if (json) {
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(listed));
        } else {
            int done = images.size() - failed;
            System.out.println(resultsFile + " (COCO results format, every detection the model returns: " + results.size() + " of "
                    + done + (done == 1 ? " image)" : " images)"));
        }
        if (failed > 0) {
            System.err.println("piip: " + failed + " of " + images.size() + " images failed");
            return 1;
        }
        return 0;
    }

    private void report(Path image, Path png, DetectionImages.Pixels pixels, List<Detection> shown, ArrayNode listed) {
        if (json) {
            ObjectNode r = listed.addObject();
            r.put("image", image.toString()).put("picture", png.toString()).put("width", pixels.width()).put("height", pixels.height());
            ArrayNode arr = r.putArray("detections");
            for (Detection d : shown) {
                ObjectNode o = arr.addObject();
                o.putArray("box").add((double) d.x1()).add((double) d.y1()).add((double) d.x2()).add((double) d.y2());
                o.put("label", d.label()).put("class", d.className()).put("score", (double) d.score());
                if (d.mask() != null) {
                    o.put("mask_area", d.mask().area());
                }
            }
            return;
        }
        System.out.println(image + " -> " + png + ": " + shown.size() + (shown.size() == 1 ? " detection" : " detections")
                + String.format(Locale.ROOT, " with score >= %.2f", score));
        for (Detection d : shown) {
            System.out.printf(Locale.ROOT, "  %.3f  %-16s [%.1f, %.1f, %.1f, %.1f]%n", d.score(), d.className(), d.x1(), d.y1(), d.x2(), d.y2());
        }
    }

    /** The picture's name: the image's file name without extension, made unique within this run. */
    static String uniqueName(Path image, Set<String> used) {
        String base = String.valueOf(image.getFileName()).replaceFirst("\\.[^.]*$", "");
        String name = base;
        for (int k = 2; !used.add(name); k++) {
            name = base + "-" + k;
        }
        return name;
    }

    /** COCO's image id: the file name's number where it is one (000000397133.jpg), else its position (1-based). */
    private static long imageId(Path image, int index) {
        String base = String.valueOf(image.getFileName()).replaceFirst("\\.[^.]*$", "");
        if (base.matches("\\d{1,18}")) {
            return Long.parseLong(base);
        }
        return index + 1L;
    }
}
