package io.piip4j.data.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.data.DataException;
import io.piip4j.eval.coco.Rle;
import io.piip4j.eval.coco.RleString;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes a shapes data set in the layouts the detection and segmentation tools read:
 * {@code images/NNNNNN.png}, {@code instances.json} (COCO instance segmentation: boxes, areas,
 * compressed-RLE masks, the four categories) and {@code labels/NNNNNN.png} (8-bit semantic maps:
 * 0 background, 1–4 the shape classes). The folder appears whole or not at all: everything is
 * written into a temporary folder beside it, then renamed.
 */
public final class ShapesDataset {
    public static final String IMAGES = "images";
    public static final String LABELS = "labels";
    public static final String ANNOTATIONS = "instances.json";

    private ShapesDataset() {
    }

    /**
     * @param out      the folder to create (absent, or an empty folder)
     * @param progress told the number of images written so far, after each image
     */
    public static void write(Path out, int images, long seed, int size, IntConsumer progress) {
        if (images < 1) {
            throw new DataException("--images must be at least 1, got " + images);
        }
        checkTarget(out);
        ShapesGenerator generator = new ShapesGenerator(size, seed);
        Path parent = out.toAbsolutePath().normalize().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".");
            Files.createDirectories(tmp.resolve(IMAGES));
            Files.createDirectories(tmp.resolve(LABELS));
            ObjectNode coco = header(seed, size, images);
            ArrayNode imageList = coco.putArray("images");
            ArrayNode annotations = coco.putArray("annotations");
            int annId = 1;
            for (int i = 0; i < images; i++) {
                ShapesScene scene = generator.scene(i);
                String file = String.format("%06d.png", i);
                writeRgb(scene, tmp.resolve(IMAGES).resolve(file));
                writeLabels(scene, tmp.resolve(LABELS).resolve(file));
                ObjectNode img = imageList.addObject();
                img.put("id", i + 1);
                img.put("file_name", file);
                img.put("width", size);
                img.put("height", size);
                for (ShapesScene.Instance inst : scene.instances()) {
                    annotations.add(annotation(annId++, i + 1, inst, size));
                }
                progress.accept(i + 1);
            }
            new ObjectMapper().writeValue(tmp.resolve(ANNOTATIONS).toFile(), coco);
            try {
                // createTempDirectory makes it owner-only; the data set is an ordinary folder
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the folder inherits its parent's permissions
            }
            if (Files.isDirectory(out)) {
                Files.delete(out); // empty, checked above
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new DataException(out + ": cannot write the data set (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /** Fails, naming the folder, unless {@code out} can be created here (absent, or an empty folder). */
    public static void checkTarget(Path out) {
        Path parent = out.toAbsolutePath().normalize().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new DataException(out + ": cannot create (folder " + parent + " does not exist)");
        }
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new DataException(out + ": exists and is not a folder");
            }
            try (DirectoryStream<Path> d = Files.newDirectoryStream(out)) {
                if (d.iterator().hasNext()) {
                    throw new DataException(out + ": exists and is not empty (choose a new folder)");
                }
            } catch (IOException e) {
                throw new DataException(out + ": cannot read (" + e.getMessage() + ")");
            }
        }
    }

    private static ObjectNode header(long seed, int size, int images) {
        ObjectNode coco = new ObjectMapper().createObjectNode();
        ObjectNode info = coco.putObject("info");
        info.put("description", "piip4j shapes: discs, squares, triangles and rings over textured backgrounds");
        info.put("seed", seed);
        info.put("size", size);
        info.put("images", images);
        ArrayNode cats = coco.putArray("categories");
        for (ShapeKind k : ShapeKind.values()) {
            ObjectNode c = cats.addObject();
            c.put("id", k.categoryId());
            c.put("name", k.label());
            c.put("supercategory", "shape");
        }
        return coco;
    }

    private static ObjectNode annotation(int id, int imageId, ShapesScene.Instance inst, int size) {
        byte[] columnMajor = new byte[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                columnMajor[x * size + y] = (byte) (inst.visible()[y * size + x] ? 1 : 0);
            }
        }
        Rle rle = Rle.encode(columnMajor, size, size);
        double[] box = rle.toBbox();
        ObjectNode a = new ObjectMapper().createObjectNode();
        a.put("id", id);
        a.put("image_id", imageId);
        a.put("category_id", inst.shape().kind().categoryId());
        ObjectNode segm = a.putObject("segmentation");
        segm.putArray("size").add(size).add(size);
        segm.put("counts", RleString.encode(rle));
        a.put("area", rle.area());
        a.putArray("bbox").add(box[0]).add(box[1]).add(box[2]).add(box[3]);
        a.put("iscrowd", 0);
        return a;
    }

    private static void writeRgb(ShapesScene scene, Path file) throws IOException {
        BufferedImage img = new BufferedImage(scene.size(), scene.size(), BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, scene.size(), scene.size(), scene.rgb(), 0, scene.size());
        ImageIO.write(img, "png", file.toFile());
    }

    private static void writeLabels(ShapesScene scene, Path file) throws IOException {
        BufferedImage img = new BufferedImage(scene.size(), scene.size(), BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, scene.size(), scene.size(), scene.classMap());
        ImageIO.write(img, "png", file.toFile());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover hidden temporary folder is harmless
        }
    }
}
