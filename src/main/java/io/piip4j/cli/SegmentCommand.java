package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.detector.DetectionImages;
import io.piip4j.segmentor.ClassMap;
import io.piip4j.segmentor.SegmentationPainter;
import io.piip4j.segmentor.Segmenter;
import io.piip4j.segmentor.UperNet;
import io.piip4j.segmentor.UperNetConfig;
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
 * {@code piip segment}: a whole UperNet checkpoint on image files: per image a PNG colour map of the
 * classes and an overlay of it on the photo with a legend, and the classes' shares of the pixels.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
        header = "Semantic segmentation of images: a class for every pixel, drawn as a colour map and an overlay with a legend.",
        footer = {"", "Examples:", "  piip segment --config piip-h6b-upernet-512-192 --weights upernet_piip_h6b_192.pth room.jpg",
            "  piip segment --config ../shared/golden/upernet_seg2_intern_slide_b1_c/case.json \\",
            "      --weights ../shared/golden/upernet_seg2_intern_slide_b1_c/weights.pth --out seg --json *.jpg"},
        description = {"Run a UperNet segmentor (a whole mmsegmentation checkpoint) on images (JPEG, PNG, BMP, GIF; grey, RGBA, CMYK,"
            + " 16-bit; JPEG EXIF orientation applied) with the config's test pipeline (resize to its scale, normalisation) and"
            + " test mode: slide (overlapping windows of the crop size, averaged; the default of the released configs) or whole"
            + " (the image fitted into the backbone's square).",
            "Writes DIR/<image>_classes.png (one colour per class: the ADE20K palette for 150 classes) and DIR/<image>_overlay.png"
            + " (the colours over the photo, a legend of the classes present with their share of the pixels), and prints each"
            + " image's classes by share. An image that cannot be read is reported on its own line; the others are processed and"
            + " the exit code is 1."})
final class SegmentCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "UperNet config: a zoo name, a released config or a golden case.json.")
    String config;

    @Option(names = "--weights", required = true, description = "Whole-segmentor checkpoint (.pth or .safetensors), or a zoo name (see piip fetch, --download).")
    Path weights;

    @Option(names = "--out", defaultValue = "segmentations", paramLabel = "DIR", description = "Folder for the pictures (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--class-indices", description = "Also write DIR/<image>.png: each pixel's class index as a grey PNG "
            + "(8-bit; 16-bit beyond 256 classes), as mmsegmentation's format_results, to score with piip seg-eval.")
    boolean classIndices;

    @Option(names = "--mode", paramLabel = "whole|slide", description = "Test mode (default: the config's test_cfg.mode).")
    String mode;

    @Option(names = "--json", description = "Print the results (pictures, classes and their pixel shares) as JSON on stdout instead of text.")
    boolean json;

    @Option(names = "--top", defaultValue = "5", description = "Classes listed per image in the text summary (default ${DEFAULT-VALUE}; --json lists all).")
    int top;

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
        UperNetConfig.Mode chosen = null;
        if (mode != null) {
            try {
                chosen = UperNetConfig.Mode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--mode: " + e.getMessage());
            }
        }
        if (top < 0) {
            throw new UsageException("--top must be at least 0, got " + top);
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
        ArrayNode listed = mapper.createArrayNode();
        int failed = 0;
        try (UperNet model = Inputs.uperNet(config, weights, checkpoint, "piip segment")) {
            Files.createDirectories(out);
            Segmenter base = model.newSegmenter();
            Segmenter segmenter = chosen == null ? base : base.withMode(chosen);
            Set<String> names = new HashSet<>();
            boolean slide = segmenter.mode() == UperNetConfig.Mode.SLIDE;
            try (Progress progress = new Progress("segment", images.size(), quiet || (images.size() < 2 && !slide), System.err)) {
                for (Path image : images) {
                    try {
                        DetectionImages.Pixels pixels = DetectionImages.read(image);
                        String file = String.valueOf(image.getFileName());
                        ClassMap map = segmenter.onWindow((done, total) -> progress.message(file + ": window " + done + "/" + total))
                                .segment(pixels);
                        String stem = DetectCommand.uniqueName(image, names);
                        Path colours = out.resolve(stem + "_classes.png");
                        Path overlay = out.resolve(stem + "_overlay.png");
                        BufferedImage colourMap = SegmentationPainter.colorMap(map);
                        BufferedImage drawn = SegmentationPainter.overlay(pixels.toImage(), map);
                        AtomicFiles.write(colours, o -> ImageIO.write(colourMap, "png", o));
                        AtomicFiles.write(overlay, o -> ImageIO.write(drawn, "png", o));
                        if (classIndices) {
                            AtomicFiles.write(out.resolve(stem + ".png"), o -> ImageIO.write(map.indexImage(), "png", o));
                        }
                        report(image, colours, overlay, map, segmenter.mode(), segmenter.windowCount(pixels.width(), pixels.height()), listed);
                    } catch (RuntimeException | OutOfMemoryError e) {
                        failed++;
                        System.err.println("piip: " + Errors.oneLine(e));
                    }
                    progress.step(null);
                }
            }
        }
        if (json) {
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(listed));
        }
        if (failed > 0) {
            System.err.println("piip: " + failed + " of " + images.size() + " images failed");
            return 1;
        }
        return 0;
    }

    private void report(Path image, Path colours, Path overlay, ClassMap map, UperNetConfig.Mode m, int windows, ArrayNode listed) {
        List<ClassMap.ClassShare> shares = map.shares();
        if (json) {
            ObjectNode r = listed.addObject();
            r.put("image", image.toString()).put("class_map", colours.toString()).put("overlay", overlay.toString())
                    .put("width", map.width()).put("height", map.height()).put("mode", m.toString()).put("windows", windows);
            ArrayNode arr = r.putArray("classes");
            for (ClassMap.ClassShare s : shares) {
                arr.addObject().put("label", s.index()).put("class", s.name()).put("pixels", s.pixels()).put("share", s.share());
            }
            return;
        }
        System.out.println(image + " -> " + colours + ", " + overlay + ": " + shares.size() + (shares.size() == 1 ? " class" : " classes")
                + " (" + m + (m == UperNetConfig.Mode.SLIDE ? ", " + windows + (windows == 1 ? " window" : " windows") : "") + ")");
        for (int i = 0; i < Math.min(top, shares.size()); i++) {
            ClassMap.ClassShare s = shares.get(i);
            System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100 * s.share(), s.name());
        }
    }
}
