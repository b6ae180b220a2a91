package io.piip4j.data;

import io.piip4j.image.ImageNetTransform;
import io.piip4j.image.ImageReadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A data set laid out as torchvision's {@code ImageFolder}: one sub-folder per class (classes in
 * sorted name order, as torchvision numbers them), JPEG/PNG files inside. Files with other
 * extensions and hidden entries are ignored, as torchvision ignores them; a folder without any
 * class, a class without any image, or an image that does not decode is an error naming the path.
 * Images are converted to {@code channels} and resized to {@code size}×{@code size} on loading.
 */
public final class ImageFolder {
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

    private ImageFolder() {
    }

    public static ImageSet load(Path root, int channels, int size) {
        if (!Files.exists(root)) {
            throw new DataException(root + ": no such folder");
        }
        if (!Files.isDirectory(root)) {
            throw new DataException(root + ": is a file, expected a folder with one sub-folder per class");
        }
        List<Path> classDirs = list(root).stream().filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        if (classDirs.isEmpty()) {
            throw new DataException(root + ": no class folders (expected one sub-folder per class holding its images)");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> images = list(dir).stream().filter(Files::isRegularFile).filter(p -> !hidden(p))
                    .filter(ImageFolder::isImage).sorted().toList();
            if (images.isEmpty()) {
                throw new DataException(dir + ": class folder holds no JPEG or PNG images");
            }
            for (Path f : images) {
                files.add(f);
                labels.add(classes.size());
            }
            classes.add(dir.getFileName().toString());
        }
        int per = channels * size * size;
        byte[] pixels = new byte[Math.multiplyExact(per, files.size())];
        int[] y = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            byte[] s;
            try {
                s = SmallImages.samples(ImageNetTransform.read(files.get(i)), channels, size);
            } catch (ImageReadException e) {
                throw new DataException(e.getMessage(), e);
            }
            System.arraycopy(s, 0, pixels, i * per, per);
            y[i] = labels.get(i);
        }
        return new ImageSet(pixels, y, channels, size, size, classes);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list folder (" + e.getMessage() + ")");
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
