package io.piip4j.predict;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Class-name lists bundled as classpath resources under {@code /io/piip4j/labels/}:
 * ImageNet-1k (1000), COCO (80 detection classes, contiguous order) and ADE20K (150 semantic
 * classes with their standard palette).
 */
public final class Labels {

    private static final String BASE = "/io/piip4j/labels/";

    /** One ADE20K class: index, name and palette colour (0..255 each). */
    public record SegClass(int index, String name, int r, int g, int b) {
        /** Packed {@code 0xRRGGBB} colour. */
        public int rgb() {
            return (r << 16) | (g << 8) | b;
        }
    }

    private Labels() {
    }

    private static final class ImageNet {
        static final List<String> NAMES = lines("imagenet1k.txt", 1000);
    }

    private static final class Coco {
        static final List<String> NAMES = lines("coco80.txt", 80);
    }

    private static final class Ade {
        static final List<SegClass> CLASSES = ade("ade20k150.tsv", 150);
        static final List<String> NAMES = CLASSES.stream().map(SegClass::name).toList();
    }

    /** The 1000 ImageNet-1k class names, in class-index order ("tench", "goldfish", ...). */
    public static List<String> imagenet1k() {
        return ImageNet.NAMES;
    }

    /** The 80 COCO detection class names in contiguous-label order ("person", "bicycle", ...). */
    public static List<String> coco80() {
        return Coco.NAMES;
    }

    /** The 150 ADE20K classes with palette colours ("wall" (120,120,120), ...). */
    public static List<SegClass> ade20k150() {
        return Ade.CLASSES;
    }

    /** Just the names of {@link #ade20k150()}. */
    public static List<String> ade20k150Names() {
        return Ade.NAMES;
    }

    /** {@code "class_0" .. "class_<n-1>"}. */
    public static List<String> generic(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0: " + n);
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("class_" + i);
        }
        return List.copyOf(out);
    }

    private static List<String> readLines(String file) {
        InputStream in = Labels.class.getResourceAsStream(BASE + file);
        if (in == null) {
            throw new IllegalStateException("missing classpath resource " + BASE + file);
        }
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + BASE + file, e);
        }
        return out;
    }

    private static List<String> lines(String file, int expected) {
        List<String> names = readLines(file);
        if (names.size() != expected) {
            throw new IllegalStateException(
                    BASE + file + " has " + names.size() + " names, expected " + expected);
        }
        return List.copyOf(names);
    }

    private static List<SegClass> ade(String file, int expected) {
        List<String> rows = readLines(file);
        List<SegClass> out = new ArrayList<>(expected);
        for (String row : rows) {
            String[] f = row.split("\t");
            if (f.length == 5 && f[0].equals("index")) {
                continue; // header
            }
            if (f.length != 5) {
                throw new IllegalStateException(BASE + file + ": bad row '" + row + "'");
            }
            int index = Integer.parseInt(f[0].strip());
            if (index != out.size()) {
                throw new IllegalStateException(
                        BASE + file + ": index " + index + " out of order (expected " + out.size() + ")");
            }
            out.add(new SegClass(index, f[1].strip(), Integer.parseInt(f[2].strip()),
                    Integer.parseInt(f[3].strip()), Integer.parseInt(f[4].strip())));
        }
        if (out.size() != expected) {
            throw new IllegalStateException(
                    BASE + file + " has " + out.size() + " classes, expected " + expected);
        }
        return List.copyOf(out);
    }

    /** A detector's class names where its config names none: COCO's for 80 classes, else {@code class_<i>}. */
    public static List<String> detection(int numClasses) {
        return numClasses == 80 ? coco80() : generic(numClasses);
    }

    /** A segmentor's class names where its config names none: ADE20K's for 150 classes, else {@code class_<i>}. */
    public static List<String> segmentation(int numClasses) {
        return numClasses == 150 ? ade20k150Names() : generic(numClasses);
    }
}
