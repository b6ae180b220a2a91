package io.piip4j.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A COCO {@code segmentation} value as a mask, by pycocotools' rules (annToRLE / frPyObjects):
 * a list of polygons (merged into one mask; a list whose first entry has exactly four numbers is
 * read as boxes), an uncompressed RLE ({@code counts} as numbers) or a compressed one
 * ({@code counts} as text). Unlike pycocotools, a mask whose size differs from its image's, or
 * whose runs do not cover the image exactly, is an error rather than a silent non-match.
 */
final class Segmentations {
    private Segmentations() {
    }

    static Rle toRle(JsonNode segm, CocoImage image, JsonEntry at) {
        if (image.height() <= 0 || image.width() <= 0) {
            throw at.error(null, "image " + image.id() + " has no height/width, needed to rasterise masks");
        }
        if (segm.isArray()) {
            return polygons(segm, image, at);
        }
        if (!segm.isObject()) {
            throw at.error(null, "expected polygons or an RLE object, got " + JsonEntry.kind(segm));
        }
        JsonNode size = segm.get("size");
        JsonNode counts = segm.get("counts");
        if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt()
                || !size.get(1).canConvertToInt() || size.get(0).asInt() < 0 || size.get(1).asInt() < 0) {
            throw at.error("size", "expected [height, width], got " + (size == null ? "nothing" : JsonEntry.shown(size)));
        }
        int h = size.get(0).asInt();
        int w = size.get(1).asInt();
        if (h != image.height() || w != image.width()) {
            throw at.error("size", "mask is " + h + "x" + w + " but image " + image.id() + " is " + image.height() + "x"
                    + image.width() + " (height x width)");
        }
        Rle rle;
        if (counts != null && counts.isTextual()) {
            try {
                rle = RleString.decode(counts.asText(), h, w);
            } catch (IllegalArgumentException e) {
                throw at.error("counts", "not a valid compressed RLE (" + e.getMessage() + ")");
            }
        } else if (counts != null && counts.isArray()) {
            int[] c = new int[counts.size()];
            for (int i = 0; i < c.length; i++) {
                JsonNode v = counts.get(i);
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                    throw at.error("counts[" + i + "]", "expected a run length >= 0, got " + JsonEntry.shown(v));
                }
                c[i] = v.asInt();
            }
            rle = new Rle(h, w, c);
        } else {
            throw at.error("counts", counts == null ? "missing" : "expected text or a list of run lengths");
        }
        long covered = 0;
        for (int c : rle.counts()) {
            covered += c;
        }
        if (covered != (long) h * w) {
            throw at.error("counts", "runs cover " + covered + " pixels, the " + h + "x" + w + " mask has " + (long) h * w);
        }
        return rle;
    }

    private static Rle polygons(JsonNode list, CocoImage image, JsonEntry at) {
        if (list.isEmpty()) {
            throw at.error(null, "empty list of polygons");
        }
        boolean boxes = list.get(0).isArray() && list.get(0).size() == 4;
        List<Rle> parts = new ArrayList<>();
        for (int p = 0; p < list.size(); p++) {
            JsonNode poly = list.get(p);
            if (!poly.isArray() || (p == 0 && !boxes && poly.size() < 5)) {
                throw at.error("[" + p + "]", "expected a polygon [x0, y0, x1, y1, x2, y2, ...], got " + JsonEntry.shown(poly));
            }
            double[] xy = new double[poly.size()];
            for (int i = 0; i < xy.length; i++) {
                if (!poly.get(i).isNumber()) {
                    throw at.error("[" + p + "][" + i + "]", "expected a number, got " + JsonEntry.shown(poly.get(i)));
                }
                xy[i] = poly.get(i).asDouble();
            }
            if (boxes) {
                if (xy.length != 4) {
                    throw at.error("[" + p + "]", "expected a box [x, y, width, height] like the first entry, got "
                            + JsonEntry.shown(poly));
                }
                parts.add(PolygonMask.fromBox(xy, image.height(), image.width()));
            } else {
                parts.add(PolygonMask.fromPolygon(xy, image.height(), image.width()));
            }
        }
        return Rle.merge(parts, false);
    }
}
