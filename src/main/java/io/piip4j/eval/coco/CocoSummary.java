package io.piip4j.eval.coco;

import io.piip4j.eval.PairwiseSum;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pycocotools' {@code summarize()}: the twelve numbers (AP, AP50, AP75, AP small/medium/large,
 * AR at each maxDets, AR small/medium/large), each the mean of the valid (> −1) entries of its
 * slice or −1 when there is none, with the same printed lines; and per-category AP as
 * mmdetection's {@code classwise} table reads it (area "all", the largest maxDets).
 *
 * <p>As in pycocotools, the first AP uses maxDets = 100 whatever the settings (its default
 * argument), the others the third maxDets: under mmdetection's 100/300/1000 the headline mAP
 * uses 100 detections and AP50…APl use 1000.
 */
public record CocoSummary(double[] stats, List<String> lines, Map<Long, Double> perCategoryAp) {

    public static final List<String> STAT_NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10",
            "AR100", "ARs", "ARm", "ARl");

    public static CocoSummary of(CocoEvaluation e) {
        int[] md = e.params().maxDets();
        if (md.length < 3) {
            throw new IllegalArgumentException("the standard summary needs three maxDets, got " + md.length);
        }
        List<String> lines = new ArrayList<>();
        double[] s = new double[12];
        s[0] = stat(e, lines, true, null, "all", 100);
        s[1] = stat(e, lines, true, .5, "all", md[2]);
        s[2] = stat(e, lines, true, .75, "all", md[2]);
        s[3] = stat(e, lines, true, null, "small", md[2]);
        s[4] = stat(e, lines, true, null, "medium", md[2]);
        s[5] = stat(e, lines, true, null, "large", md[2]);
        s[6] = stat(e, lines, false, null, "all", md[0]);
        s[7] = stat(e, lines, false, null, "all", md[1]);
        s[8] = stat(e, lines, false, null, "all", md[2]);
        s[9] = stat(e, lines, false, null, "small", md[2]);
        s[10] = stat(e, lines, false, null, "medium", md[2]);
        s[11] = stat(e, lines, false, null, "large", md[2]);
        Map<Long, Double> perCat = new LinkedHashMap<>();
        for (int k = 0; k < e.categories(); k++) {
            perCat.put(e.categoryIds()[k], categoryAp(e, k));
        }
        return new CocoSummary(s, List.copyOf(lines), perCat);
    }

    /**
     * Mean precision of one category over IoU thresholds and recall thresholds, area "all", the
     * largest maxDets; null when the category has no counted ground truth.
     */
    static Double categoryAp(CocoEvaluation e, int k) {
        int m = e.maxDetsCount() - 1;
        int a = e.params().areaLabels().indexOf("all");
        double[] vals = new double[e.thresholds() * e.recalls()];
        int n = 0;
        for (int t = 0; t < e.thresholds(); t++) {
            for (int r = 0; r < e.recalls(); r++) {
                double v = e.precision(t, r, k, a, m);
                if (v > -1) {
                    vals[n++] = v;
                }
            }
        }
        return n == 0 ? null : PairwiseSum.mean(vals, n);
    }

    private static double stat(CocoEvaluation e, List<String> lines, boolean ap, Double iouThr, String area, int maxDets) {
        EvalParams p = e.params();
        double[] thr = p.iouThresholds();
        int a = p.areaLabels().indexOf(area);
        int m = -1;
        for (int i = 0; i < p.maxDets().length; i++) {
            if (p.maxDets()[i] == maxDets) {
                m = i;
            }
        }
        // the slice is taken in C order (threshold, recall, category), the order numpy sums it in
        double[] vals = new double[ap ? e.thresholds() * e.recalls() * e.categories() : e.thresholds() * e.categories()];
        int n = 0;
        if (a >= 0 && m >= 0) {
            for (int t = 0; t < thr.length; t++) {
                if (iouThr != null && thr[t] != iouThr) {
                    continue;
                }
                if (ap) {
                    for (int r = 0; r < e.recalls(); r++) {
                        for (int k = 0; k < e.categories(); k++) {
                            double v = e.precision(t, r, k, a, m);
                            if (v > -1) {
                                vals[n++] = v;
                            }
                        }
                    }
                } else {
                    for (int k = 0; k < e.categories(); k++) {
                        double v = e.recall(t, k, a, m);
                        if (v > -1) {
                            vals[n++] = v;
                        }
                    }
                }
            }
        }
        double mean = n == 0 ? -1 : PairwiseSum.mean(vals, n);
        String iouStr = iouThr == null ? fixed(thr[0], 2) + ":" + fixed(thr[thr.length - 1], 2) : fixed(iouThr, 2);
        lines.add(String.format(" %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s",
                ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iouStr, area, maxDets, fixed(mean, 3)));
        return mean;
    }

    /** Python's {@code '{:0.Nf}'}: the exact binary value rounded half-even. */
    public static String fixed(double v, int digits) {
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }
}
