package io.piip4j.segmentor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigReader;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.RandomWeights;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;

/**
 * Not a test: a one-off probe of the segmentor's memory on a large photo, run under
 * {@code /usr/bin/time -v} to read the peak resident set. Builds the UperNet of a config (released
 * or golden case.json) with random weights and segments a random {@code WIDTH × HEIGHT} image end to
 * end (the config's test pipeline, slide or whole mode, the class map at the original size),
 * printing the windows as they finish and the largest native footprint JavaCPP saw.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.piip4j.segmentor.SegmentorMemoryProbe CONFIG 2048 1024 [whole|slide]
 * </pre>
 */
public final class SegmentorMemoryProbe {
    private SegmentorMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        int w = Integer.parseInt(args[1]);
        int h = Integer.parseInt(args[2]);
        JsonNode root = new ObjectMapper().readTree(config.toFile());
        try (UperNet model = new UperNet(ConfigReader.read(config), UperNetConfig.read(root, config.getFileName().toString()))) {
            RandomWeights.fill(model, 0);
            InferenceWeights.keepOnlyPacked(model);
            Segmenter base = model.newSegmenter();
            Segmenter segmenter = args.length > 3 ? base.withMode(UperNetConfig.Mode.parse(args[3])) : base;
            int[] rgb = new int[w * h];
            Random r = new Random(0);
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = r.nextInt(0x1000000);
            }
            long[] peak = {Pointer.physicalBytes()};
            long t0 = System.nanoTime();
            ClassMap map = segmenter.onWindow((done, total) -> {
                peak[0] = Math.max(peak[0], Pointer.physicalBytes());
                System.out.printf("window %d/%d  %.1f s  rss %.0f MiB%n", done, total, (System.nanoTime() - t0) / 1e9,
                        Pointer.physicalBytes() / 1048576.0);
            }).segment(new io.piip4j.detector.DetectionImages.Pixels(rgb, w, h));
            peak[0] = Math.max(peak[0], Pointer.physicalBytes());
            System.out.printf("%s on %dx%d (%s, %d windows): class map %dx%d, %.1f s, largest rss seen %.0f MiB%n", config, w, h,
                    segmenter.mode(), segmenter.windowCount(w, h), map.width(), map.height(), (System.nanoTime() - t0) / 1e9,
                    peak[0] / 1048576.0);
        }
    }
}
