package io.piip4j.segmentor;

import io.piip4j.detector.DetectionPainter;
import io.piip4j.predict.Labels;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of a {@link ClassMap}: the colour map (each pixel its class's colour: mmsegmentation's
 * ADE20K palette for 150 classes, spread hues otherwise) and an overlay of that map on the photo
 * with a legend panel at its right listing the classes present, largest share first, with their
 * colour and share of the image. Sizes of text follow the image's size.
 */
public final class SegmentationPainter {
    private static final float OVERLAY_ALPHA = 0.5f;
    /** Legend rows at most; the rest are summed up in one line. */
    static final int LEGEND_ROWS = 20;

    private SegmentationPainter() {
    }

    /** The colour of class {@code index} ({@code 0xRRGGBB}) for a model of {@code numClasses} classes. */
    public static int color(int index, int numClasses) {
        if (numClasses == 150 && index >= 0 && index < 150) {
            return Labels.ade20k150().get(index).rgb();
        }
        return DetectionPainter.classColor(index).getRGB() & 0xFFFFFF;
    }

    /** The class map as an RGB image of its size, one colour per class. */
    public static BufferedImage colorMap(ClassMap map) {
        int n = map.classNames().size();
        int[] lut = new int[n];
        for (int c = 0; c < n; c++) {
            lut[c] = color(c, n);
        }
        int[] labels = map.labels();
        int[] px = new int[labels.length];
        for (int i = 0; i < px.length; i++) {
            int l = labels[i];
            px[i] = l >= 0 && l < n ? lut[l] : 0;
        }
        BufferedImage out = new BufferedImage(map.width(), map.height(), BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, map.width(), map.height(), px, 0, map.width());
        return out;
    }

    /**
     * The photo with the class colours blended over it (half and half) and, to its right, a legend
     * of the classes present. {@code photo} must have the map's size.
     */
    public static BufferedImage overlay(BufferedImage photo, ClassMap map) {
        int w = map.width();
        int h = map.height();
        if (photo.getWidth() != w || photo.getHeight() != h) {
            throw new IllegalArgumentException("photo of " + photo.getWidth() + "x" + photo.getHeight() + " for a class map of " + w + "x" + h);
        }
        int n = map.classNames().size();
        int[] px = new int[w * h];
        photo.getRGB(0, 0, w, h, px, 0, w);
        int[] labels = map.labels();
        for (int i = 0; i < px.length; i++) {
            int l = labels[i];
            if (l >= 0 && l < n) {
                px[i] = blend(px[i], color(l, n));
            }
        }
        List<ClassMap.ClassShare> shares = map.shares();
        int fontSize = Math.max(12, Math.min(28, Math.round(Math.max(w, h) / 48f)));
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize);
        FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(font);
        int rows = Math.min(shares.size(), LEGEND_ROWS) + (shares.size() > LEGEND_ROWS ? 1 : 0);
        int rowH = fm.getHeight() + fontSize / 3;
        int swatch = fm.getAscent();
        int pad = Math.max(6, fontSize / 2);
        int textW = 0;
        for (int r = 0; r < Math.min(shares.size(), LEGEND_ROWS); r++) {
            textW = Math.max(textW, fm.stringWidth(legendText(shares.get(r))));
        }
        String more = shares.size() > LEGEND_ROWS ? moreText(shares) : null;
        if (more != null) {
            textW = Math.max(textW, fm.stringWidth(more));
        }
        int legendW = pad * 3 + swatch + textW;
        int outH = Math.max(h, pad * 2 + rows * rowH);
        BufferedImage out = new BufferedImage(w + legendW, outH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new Color(0x20, 0x20, 0x20));
        g.fillRect(0, 0, out.getWidth(), outH);
        g.dispose();
        out.setRGB(0, 0, w, h, px, 0, w);
        g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        int y = pad;
        for (int r = 0; r < Math.min(shares.size(), LEGEND_ROWS); r++) {
            ClassMap.ClassShare s = shares.get(r);
            g.setColor(new Color(color(s.index(), n)));
            g.fillRect(w + pad, y + (rowH - swatch) / 2, swatch, swatch);
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(w + pad, y + (rowH - swatch) / 2, swatch, swatch);
            g.setColor(Color.WHITE);
            g.drawString(legendText(s), w + pad * 2 + swatch, y + (rowH - fm.getHeight()) / 2 + fm.getAscent());
            y += rowH;
        }
        if (more != null) {
            g.setColor(Color.LIGHT_GRAY);
            g.drawString(more, w + pad * 2 + swatch, y + (rowH - fm.getHeight()) / 2 + fm.getAscent());
        }
        g.dispose();
        return out;
    }

    private static String legendText(ClassMap.ClassShare s) {
        return String.format(Locale.ROOT, "%s %.1f%%", s.name(), 100 * s.share());
    }

    private static String moreText(List<ClassMap.ClassShare> shares) {
        double rest = 0;
        for (int r = LEGEND_ROWS; r < shares.size(); r++) {
            rest += shares.get(r).share();
        }
        return String.format(Locale.ROOT, "+%d more %.1f%%", shares.size() - LEGEND_ROWS, 100 * rest);
    }

    private static int blend(int p, int c) {
        int r = Math.round(((p >> 16) & 0xFF) * (1 - OVERLAY_ALPHA) + ((c >> 16) & 0xFF) * OVERLAY_ALPHA);
        int g = Math.round(((p >> 8) & 0xFF) * (1 - OVERLAY_ALPHA) + ((c >> 8) & 0xFF) * OVERLAY_ALPHA);
        int b = Math.round((p & 0xFF) * (1 - OVERLAY_ALPHA) + (c & 0xFF) * OVERLAY_ALPHA);
        return (r << 16) | (g << 8) | b;
    }
}
