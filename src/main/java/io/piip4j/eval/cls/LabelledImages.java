package io.piip4j.eval.cls;

import io.piip4j.eval.EvalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The images of an ImageNet-style validation folder (one sub-folder per class, classes numbered
 * in sorted name order as torchvision's ImageFolder numbers them), without reading them.
 *
 * @param classes class folder names, index order
 * @param files image files
 * @param labels class index of each file
 */
public record LabelledImages(List<String> classes, List<Path> files, int[] labels) {
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");

    public static LabelledImages list(Path root) {
        if (!Files.isDirectory(root)) {
            throw new EvalException(root + ": no such folder (expected one sub-folder per class)");
        }
        List<Path> dirs = entries(root).stream().filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        if (dirs.isEmpty()) {
            throw new EvalException(root + ": no class folders (expected one sub-folder per class holding its images)");
        }
        List<String> classes = new ArrayList<>();
        List<List<Path>> perClass = new ArrayList<>();
        for (Path d : dirs) {
            classes.add(d.getFileName().toString());
            perClass.add(entries(d).stream().filter(Files::isRegularFile).filter(p -> !hidden(p))
                    .filter(LabelledImages::isImage).sorted().toList());
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < perClass.size(); c++) {
            for (Path f : perClass.get(c)) {
                files.add(f);
                labels.add(c);
            }
        }
        if (files.isEmpty()) {
            throw new EvalException(root + ": the class folders hold no JPEG, PNG or BMP images");
        }
        return new LabelledImages(List.copyOf(classes), List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    public int size() {
        return files.size();
    }

    /**
     * At most {@code n} images taken round-robin over the classes (the first image of each class,
     * then the second, …), so that a short run still sees every class.
     */
    public LabelledImages limit(int n) {
        if (n >= files.size()) {
            return this;
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        List<Integer> picked = new ArrayList<>();
        for (int round = 0; picked.size() < n; round++) {
            for (List<Integer> c : byClass) {
                if (round < c.size() && picked.size() < n) {
                    picked.add(c.get(round));
                }
            }
        }
        picked.sort(null);
        List<Path> f = new ArrayList<>();
        int[] l = new int[picked.size()];
        for (int i = 0; i < l.length; i++) {
            f.add(files.get(picked.get(i)));
            l[i] = labels[picked.get(i)];
        }
        return new LabelledImages(classes, List.copyOf(f), l);
    }

    private static List<Path> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new EvalException(dir + ": cannot list folder (" + e.getMessage() + ")");
        }
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }
}
