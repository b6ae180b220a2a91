package io.piip4j.eval.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Masks against values computed by pycocotools (polygon rasterisation, box polygons, merge,
 * compressed text, areas, boxes, IoU) and round trips (mask → RLE → text → RLE → mask).
 */
class RleTest {

    @Test
    void squarePolygonCoversItsPixelCentres() {
        Rle r = PolygonMask.fromPolygon(new double[] {0, 0, 0, 10, 10, 10, 10, 0}, 20, 20);
        assertEquals("0::00000000000000000X6", RleString.encode(r));
        assertEquals(100, r.area());
        assertArrayEquals(new double[] {0, 0, 10, 10}, r.toBbox());
    }

    @Test
    void slantedTriangleAndMergeAsPycocotools() {
        Rle tri = PolygonMask.fromPolygon(new double[] {2.3, 1.7, 15.2, 3.9, 9.1, 17.6}, 20, 30);
        assertEquals("n12b03M2N2O2M2N1ON2M4M2N2M[9", RleString.encode(tri));
        assertEquals(93, tri.area());
        assertArrayEquals(new double[] {3, 2, 12, 15}, tri.toBbox());
        Rle rect = PolygonMask.fromPolygon(new double[] {20, 2, 28, 2, 28, 9, 20, 9}, 20, 30);
        Rle both = Rle.merge(List.of(tri, rect), false);
        assertEquals("n12b03M2N2O2M2N1ON2M4M2N2MU36hL0000000000000V1", RleString.encode(both));
        assertEquals(149, both.area());
        assertArrayEquals(new double[] {3, 2, 25, 15}, both.toBbox());
    }

    @Test
    void polygonBeyondTheImageIsClipped() {
        Rle r = PolygonMask.fromPolygon(new double[] {-3, -3, 40, -3, 40, 40, -3, 40}, 20, 30);
        assertEquals("0hb0", RleString.encode(r));
        assertEquals(600, r.area());
    }

    @Test
    void fractionalBox() {
        Rle r = PolygonMask.fromBox(new double[] {1.5, 2.5, 7.25, 4.0}, 20, 30);
        assertEquals("[14`000000000000Q=", RleString.encode(r));
        assertEquals(28, r.area());
    }

    @Test
    void encodeOfAColumnMajorMask() {
        int h = 5;
        int w = 7;
        byte[] m = new byte[h * w];
        for (int x = 2; x < 6; x++) {
            for (int y = 1; y < 4; y++) {
                m[x * h + y] = 1;
            }
        }
        m[0] = 1;
        Rle r = Rle.encode(m, h, w);
        assertEquals("01:2H000004", RleString.encode(r));
        assertEquals(13, r.area());
        assertArrayEquals(new double[] {0, 0, 6, 4}, r.toBbox());
        assertArrayEquals(m, r.decode());
        // an uncompressed RLE, as an annotation file may hold it
        Rle u = new Rle(5, 7, new int[] {0, 1, 9, 3, 2, 3, 2, 3, 2, 3, 7});
        assertEquals("0192I000005", RleString.encode(u));
    }

    @Test
    void iouOfMasksAndBoxesAsPycocotools() {
        Rle a = PolygonMask.fromPolygon(new double[] {0, 0, 0, 10, 10, 10, 10, 0}, 20, 20);
        Rle c = PolygonMask.fromPolygon(new double[] {5, 5, 5, 15, 15, 15, 15, 5}, 20, 20);
        assertEquals(25.0 / 175, MaskIou.masks(new Rle[] {a}, new Rle[] {c}, new boolean[] {false})[0][0], 0);
        // a crowd region: the union is the detection's own area
        assertEquals(0.25, MaskIou.masks(new Rle[] {a}, new Rle[] {c}, new boolean[] {true})[0][0], 0);
        double[][] d = {{0, 0, 10, 10}};
        double[][] g = {{5, 5, 10, 10}};
        assertEquals(25.0 / 175, MaskIou.boxes(d, g, new boolean[] {false})[0][0], 0);
        assertEquals(0.25, MaskIou.boxes(d, g, new boolean[] {true})[0][0], 0);
    }

    @Test
    void randomMasksRoundTrip() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + rnd.nextInt(40);
            int w = 1 + rnd.nextInt(40);
            byte[] m = new byte[h * w];
            double density = rnd.nextDouble();
            for (int i = 0; i < m.length; i++) {
                m[i] = (byte) (rnd.nextDouble() < density ? 1 : 0);
            }
            Rle r = Rle.encode(m, h, w);
            String text = RleString.encode(r);
            Rle back = RleString.decode(text, h, w);
            assertEquals(r, back, text);
            assertArrayEquals(m, back.decode());
            long area = 0;
            for (byte b : m) {
                area += b;
            }
            assertEquals(area, back.area());
            // the union with itself and with an empty mask is itself
            assertEquals(r, Rle.merge(List.of(r, r), false));
            assertEquals(r, Rle.merge(List.of(r, Rle.encode(new byte[h * w], h, w)), false));
        }
    }

    @Test
    void largeRunsSurviveTheText() {
        Rle r = new Rle(5000, 5000, new int[] {12_345_678, 1, 5000 * 5000 - 12_345_679});
        assertEquals(r, RleString.decode(RleString.encode(r), 5000, 5000));
    }

    @Test
    void badTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> RleString.decode("0 1", 2, 2));
        assertThrows(IllegalArgumentException.class, () -> RleString.decode("0`", 2, 2));
    }
}
