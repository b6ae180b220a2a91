package io.piip4j.segmentor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** mmseg's sliding-window geometry: grid counts, the last window shifted back to the border, small images. */
class SlideWindowsTest {

    @Test
    void theGoldenSlideCase() {
        SlideWindows w = SlideWindows.of(80, 96, new int[] {64, 64}, new int[] {43, 43});
        assertEquals(List.of(new SlideWindows.Window(0, 64, 0, 64), new SlideWindows.Window(0, 64, 32, 96),
                new SlideWindows.Window(16, 80, 0, 64), new SlideWindows.Window(16, 80, 32, 96)), w.windows());
    }

    @Test
    void aLargeImageAtTheReleasedCrop() {
        // (1024 - 512 + 340) // 341 + 1 = 3 rows, (2048 - 512 + 340) // 341 + 1 = 6 columns
        SlideWindows w = SlideWindows.of(1024, 2048, new int[] {512, 512}, new int[] {341, 341});
        assertEquals(18, w.count());
        assertEquals(new SlideWindows.Window(512, 1024, 1536, 2048), w.windows().get(17));
        int[] covered = new int[1024 * 2048];
        for (SlideWindows.Window win : w.windows()) {
            assertEquals(512, win.height());
            assertEquals(512, win.width());
            for (int y = win.y1(); y < win.y2(); y++) {
                for (int x = win.x1(); x < win.x2(); x++) {
                    covered[y * 2048 + x]++;
                }
            }
        }
        for (int c : covered) {
            if (c == 0) {
                throw new AssertionError("a pixel no window covers");
            }
        }
    }

    @Test
    void anImageSmallerThanTheCropIsOneWindow() {
        SlideWindows w = SlideWindows.of(30, 700, new int[] {512, 512}, new int[] {341, 341});
        assertEquals(2, w.count());
        assertEquals(new SlideWindows.Window(0, 30, 0, 512), w.windows().get(0));
        assertEquals(new SlideWindows.Window(0, 30, 188, 700), w.windows().get(1));
    }
}
