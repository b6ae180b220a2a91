package io.piip4j.head.dino;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The top-k of the two-stage selection and of the detections: largest first, ties by index, NaN first as torch.topk ranks it. */
class RankingTest {
    @Test
    void largestFirstAcrossSignsAndInfinities() {
        float[] v = {-1f, 3f, Float.NEGATIVE_INFINITY, 0f, -0.5f, Float.POSITIVE_INFINITY, 2.5f, -7f};
        assertArrayEquals(new int[] {5, 1, 6, 3, 4, 0, 7, 2}, Ranking.top(v, 0, v.length, v.length));
        assertArrayEquals(new int[] {5, 1, 6}, Ranking.top(v, 0, v.length, 3));
    }

    @Test
    void tiesKeepIndexOrderAndNanRanksHighest() {
        float[] v = {1f, 2f, 1f, Float.NaN, 2f};
        assertArrayEquals(new int[] {3, 1, 4, 0, 2}, Ranking.top(v, 0, v.length, 5));
    }

    @Test
    void aWindowOfTheArrayIndexedFromItsStart() {
        float[] v = {9f, 9f, 0.1f, 0.3f, 0.2f, 9f};
        assertArrayEquals(new int[] {1, 2}, Ranking.top(v, 2, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> Ranking.top(v, 2, 3, 4));
    }
}
