package io.piip4j.head;

/**
 * What a detector needs to know of one image of a batch (mmdetection's {@code img_meta}): its
 * original size, its size after resizing (before padding), the padded size, and the four scale
 * factors (x, y, x, y) from original to resized.
 */
public record ImageMeta(int oriH, int oriW, int imgH, int imgW, int padH, int padW, float[] scaleFactor) {
    public ImageMeta {
        if (oriH < 1 || oriW < 1 || imgH < 1 || imgW < 1 || padH < imgH || padW < imgW) {
            throw new IllegalArgumentException("image meta: ori_shape " + oriH + "x" + oriW + ", img_shape " + imgH + "x" + imgW
                    + ", pad_shape " + padH + "x" + padW);
        }
        if (scaleFactor == null || scaleFactor.length != 4) {
            throw new IllegalArgumentException("image meta: scale_factor needs 4 values");
        }
        scaleFactor = scaleFactor.clone();
    }

    @Override
    public float[] scaleFactor() {
        return scaleFactor.clone();
    }
}
