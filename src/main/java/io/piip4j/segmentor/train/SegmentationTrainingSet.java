package io.piip4j.segmentor.train;

import io.piip4j.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An ADE20K-format folder pair: every image of {@code images/} ({@code .jpg}, {@code .jpeg},
 * {@code .png}, in name order) with the label map of the same name and suffix {@code .png} in
 * {@code labels/} (mmsegmentation's {@code img_suffix} / {@code seg_map_suffix}). Files are read
 * when used; a missing label map is an error naming it.
 */
public record SegmentationTrainingSet(List<Sample> samples) {

    /** One image and its label map. */
    public record Sample(Path image, Path labels) {
    }

    public static SegmentationTrainingSet load(Path images, Path labels) {
        if (!Files.isDirectory(images)) {
            throw new DataException(images + ": no such folder");
        }
        if (!Files.isDirectory(labels)) {
            throw new DataException(labels + ": no such folder");
        }
        List<Sample> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(images)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String n = f.getFileName().toString();
                String lower = n.toLowerCase(Locale.ROOT);
                int dot = n.lastIndexOf('.');
                if (dot < 0 || !(lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png"))) {
                    continue;
                }
                Path label = labels.resolve(n.substring(0, dot) + ".png");
                if (!Files.isRegularFile(label)) {
                    throw new DataException(label + ": no label map for " + f);
                }
                out.add(new Sample(f, label));
            }
        } catch (IOException e) {
            throw new DataException(images + ": cannot list (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new DataException(images + ": no images (.jpg, .jpeg, .png)");
        }
        return new SegmentationTrainingSet(List.copyOf(out));
    }

    public int size() {
        return samples.size();
    }
}
