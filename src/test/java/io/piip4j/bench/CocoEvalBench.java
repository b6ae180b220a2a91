package io.piip4j.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.eval.coco.CocoDataset;
import io.piip4j.eval.coco.CocoEvaluator;
import io.piip4j.eval.coco.CocoObject;
import io.piip4j.eval.coco.CocoResults;
import io.piip4j.eval.coco.CocoSummary;
import io.piip4j.eval.coco.EvalParams;
import io.piip4j.eval.coco.IouType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The speed of COCO box evaluation: a synthetic val set (default 5,000 images of 640×480, 80
 * categories, 7 objects and 100 detections per image, 1% crowd), written as COCO JSON, then read
 * and evaluated several times. Run with {@code ./bench/coco-eval [images] [dets] [runs] [keep-dir]};
 * with a keep-dir the JSON files stay there (e.g. to time pycocotools on the same files).
 */
public final class CocoEvalBench {
    private CocoEvalBench() {
    }

    public static void main(String[] args) throws IOException {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int dets = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = args.length > 3 ? Files.createDirectories(Path.of(args[3])) : Files.createTempDirectory("coco-bench");
        Path gt = dir.resolve("instances.json");
        Path res = dir.resolve("results.json");
        write(gt, res, images, dets, new Random(2024));
        System.out.printf(Locale.ROOT, "%d images x %d detections, %d categories (%s)%n", images, dets, 80, dir);
        for (int r = 0; r < runs + 1; r++) {
            long t0 = System.nanoTime();
            CocoDataset data = CocoDataset.load(gt);
            List<CocoObject> dts = CocoResults.load(res, data, false);
            long t1 = System.nanoTime();
            CocoSummary s = CocoSummary.of(CocoEvaluator.evaluate(data, dts, EvalParams.coco(IouType.BBOX)));
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "%s: read %.2f s, evaluate+accumulate+summarize %.2f s (%.0f µs/image), AP %s%n",
                    r == 0 ? "warm-up" : "run " + r, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t1) / 1e3 / images, Double.toString(s.stats()[0]));
        }
        if (args.length <= 3) {
            Files.delete(gt);
            Files.delete(res);
            Files.delete(dir);
        }
    }

    private static void write(Path gtFile, Path resFile, int images, int dets, Random rnd) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        try (JsonGenerator g = mapper.createGenerator(gtFile.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8);
                JsonGenerator r = mapper.createGenerator(resFile.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("images");
            for (int i = 1; i <= images; i++) {
                g.writeStartObject();
                g.writeNumberField("id", i);
                g.writeNumberField("height", 480);
                g.writeNumberField("width", 640);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (int c = 1; c <= 80; c++) {
                g.writeStartObject();
                g.writeNumberField("id", c);
                g.writeStringField("name", "class" + c);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            r.writeStartArray();
            int annId = 1;
            for (int i = 1; i <= images; i++) {
                int made = 0;
                for (int a = 0; a < 7; a++) {
                    double w = 8 + rnd.nextDouble() * 200;
                    double h = 8 + rnd.nextDouble() * 200;
                    double x = rnd.nextDouble() * (640 - w);
                    double y = rnd.nextDouble() * (480 - h);
                    int cat = 1 + rnd.nextInt(80);
                    g.writeStartObject();
                    g.writeNumberField("id", annId++);
                    g.writeNumberField("image_id", i);
                    g.writeNumberField("category_id", cat);
                    box(g, x, y, w, h);
                    g.writeNumberField("area", round(w * h * 0.8));
                    g.writeNumberField("iscrowd", rnd.nextInt(100) == 0 ? 1 : 0);
                    g.writeEndObject();
                    // a few detections near each object, some of another category
                    for (int d = 0; d < 3 && made < dets; d++, made++) {
                        double s = 0.1 + 0.2 * d;
                        detection(r, i, rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(80) : cat, x + rnd.nextGaussian() * w * s,
                                y + rnd.nextGaussian() * h * s, w * (1 + rnd.nextGaussian() * s), h * (1 + rnd.nextGaussian() * s),
                                rnd.nextDouble());
                    }
                }
                for (; made < dets; made++) {
                    double w = 4 + rnd.nextDouble() * 150;
                    double h = 4 + rnd.nextDouble() * 150;
                    detection(r, i, 1 + rnd.nextInt(80), rnd.nextDouble() * (640 - w), rnd.nextDouble() * (480 - h), w, h,
                            rnd.nextDouble() * 0.5);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
            r.writeEndArray();
        }
    }

    private static void detection(JsonGenerator r, int image, int cat, double x, double y, double w, double h, double score)
            throws IOException {
        r.writeStartObject();
        r.writeNumberField("image_id", image);
        r.writeNumberField("category_id", cat);
        box(r, x, y, Math.max(1, w), Math.max(1, h));
        r.writeNumberField("score", round(score * 1000) / 1000);
        r.writeEndObject();
    }

    private static void box(JsonGenerator g, double x, double y, double w, double h) throws IOException {
        g.writeArrayFieldStart("bbox");
        for (double v : new double[] {x, y, w, h}) {
            g.writeNumber(round(v));
        }
        g.writeEndArray();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
