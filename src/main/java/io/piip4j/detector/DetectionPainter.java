package io.piip4j.detector;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Draws detections on a copy of the image, legibly on any photo: each instance's mask as a
 * translucent fill of its class's colour, its box in that colour with a thin dark outline, and
 * {@code "class 0.87"} on a filled label box (dark or light text, whichever contrasts), above the box
 * where there is room. Line width and font size follow the image's size; the best detections are
 * drawn last (on top).
 */
public final class DetectionPainter {
    private static final float MASK_ALPHA = 0.45f;

    private DetectionPainter() {
    }

    /** The colour of a class: hues spread by the golden ratio, so neighbouring labels differ. */
    public static Color classColor(int label) {
        float hue = (float) ((label * 0.618033988749895 + 0.13) % 1.0);
        return Color.getHSBColor(hue, 0.80f, 0.95f);
    }

    /** A new RGB image: {@code image} with the detections drawn on it. */
    public static BufferedImage draw(BufferedImage image, List<Detection> detections) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        List<Detection> order = new ArrayList<>(detections);
        order.sort(Comparator.comparingDouble(Detection::score));
        int[] px = new int[w * h];
        out.getRGB(0, 0, w, h, px, 0, w);
        for (Detection d : order) {
            if (d.mask() != null && d.mask().width() == w && d.mask().height() == h) {
                blend(px, d.mask(), classColor(d.label()));
            }
        }
        out.setRGB(0, 0, w, h, px, 0, w);
        g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int side = Math.min(w, h);
        float line = Math.max(1.5f, side / 240f);
        int fontSize = Math.max(11, Math.round(side / 32f));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, fontSize));
        FontMetrics fm = g.getFontMetrics();
        for (Detection d : order) {
            Color c = classColor(d.label());
            float x1 = Math.max(0, d.x1());
            float y1 = Math.max(0, d.y1());
            float x2 = Math.min(w - 1, d.x2());
            float y2 = Math.min(h - 1, d.y2());
            java.awt.geom.Rectangle2D.Float box = new java.awt.geom.Rectangle2D.Float(x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1));
            g.setStroke(new BasicStroke(line + 2));
            g.setColor(new Color(0, 0, 0, 140));
            g.draw(box);
            g.setStroke(new BasicStroke(line));
            g.setColor(c);
            g.draw(box);
            String text = String.format(Locale.ROOT, "%s %.2f", d.className(), d.score());
            int tw = fm.stringWidth(text) + 6;
            int th = fm.getAscent() + fm.getDescent() + 2;
            int tx = Math.round(Math.min(Math.max(0, x1 - line / 2), Math.max(0, w - tw)));
            int ty = Math.round(y1 - line / 2) - th;
            if (ty < 0) {
                ty = Math.round(y1 + line / 2); // no room above: inside the box's top
            }
            ty = Math.max(0, Math.min(ty, h - th));
            g.setColor(c);
            g.fillRect(tx, ty, tw, th);
            g.setColor(luminance(c) > 0.55 ? Color.BLACK : Color.WHITE);
            g.drawString(text, tx + 3, ty + 1 + fm.getAscent());
        }
        g.dispose();
        return out;
    }

    private static void blend(int[] px, InstanceMask mask, Color c) {
        byte[] m = mask.toBytes();
        int r = c.getRed();
        int gr = c.getGreen();
        int b = c.getBlue();
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0) {
                int p = px[i];
                int pr = (p >> 16) & 0xFF;
                int pg = (p >> 8) & 0xFF;
                int pb = p & 0xFF;
                pr = Math.round(pr + (r - pr) * MASK_ALPHA);
                pg = Math.round(pg + (gr - pg) * MASK_ALPHA);
                pb = Math.round(pb + (b - pb) * MASK_ALPHA);
                px[i] = (pr << 16) | (pg << 8) | pb;
            }
        }
    }

    private static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
    }
}
