package io.piip4j.segmentor;

import java.util.ArrayList;
import java.util.List;

/**
 * The crops of mmsegmentation's sliding-window test ({@code EncoderDecoder.slide_inference}):
 * {@code max(H − crop + stride − 1, 0) // stride + 1} rows of windows (columns alike); window
 * (i, j) starts at {@code i·stride}, ends at {@code min(start + crop, H)}, and is shifted back to
 * {@code max(end − crop, 0)} so the last one ends at the border. An image smaller than the crop
 * gets one window covering it (the segmentor pads it up to the crop size).
 */
public record SlideWindows(int height, int width, List<Window> windows) {

    /** Rows {@code [y1, y2)}, columns {@code [x1, x2)} of the image. */
    public record Window(int y1, int y2, int x1, int x2) {
        public int height() {
            return y2 - y1;
        }

        public int width() {
            return x2 - x1;
        }
    }

    public SlideWindows {
        windows = List.copyOf(windows);
    }

    public static SlideWindows of(int height, int width, int[] cropSize, int[] stride) {
        int hCrop = cropSize[0];
        int wCrop = cropSize[1];
        int hStride = stride[0];
        int wStride = stride[1];
        int hGrids = Math.max(height - hCrop + hStride - 1, 0) / hStride + 1;
        int wGrids = Math.max(width - wCrop + wStride - 1, 0) / wStride + 1;
        List<Window> out = new ArrayList<>(hGrids * wGrids);
        for (int i = 0; i < hGrids; i++) {
            for (int j = 0; j < wGrids; j++) {
                int y2 = Math.min(i * hStride + hCrop, height);
                int x2 = Math.min(j * wStride + wCrop, width);
                out.add(new Window(Math.max(y2 - hCrop, 0), y2, Math.max(x2 - wCrop, 0), x2));
            }
        }
        return new SlideWindows(height, width, out);
    }

    public int count() {
        return windows.size();
    }
}
