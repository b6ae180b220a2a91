package io.piip4j.eval.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * COCO detection evaluation equal to pycocotools' {@code COCOeval.evaluate()} and
 * {@code accumulate()} for boxes and masks. Per image and category: detections highest score
 * first (stable), at most maxDets[-1] kept; each, in that order and at each IoU threshold, takes
 * the best still-free ground truth (a crowd region may take any number, counted ground truth is
 * preferred over ignored). Per category, area range and maxDets: all images' detections sorted
 * again, cumulative precision/recall, precision made non-increasing from the right and read at
 * the 101 recall thresholds.
 */
public final class CocoEvaluator {
    private static final double EPS = Math.ulp(1.0); // np.spacing(1)

    private CocoEvaluator() {
    }

    public static CocoEvaluation evaluate(CocoDataset gt, List<CocoObject> detections, EvalParams p) {
        long[] imgIds = p.imageIds() == null ? gt.sortedImageIds() : Arrays.stream(p.imageIds()).sorted().distinct().toArray();
        long[] catIds;
        if (p.categoryIds() != null) {
            catIds = p.useCategories() ? Arrays.stream(p.categoryIds()).sorted().distinct().toArray() : p.categoryIds().clone();
        } else {
            catIds = p.useCategories() ? gt.sortedCategoryIds()
                    : gt.categories().stream().mapToLong(CocoCategory::id).toArray();
        }
        int nImg = imgIds.length;
        int nCat = catIds.length;
        List<CocoObject>[] gtCells = cells(gt.annotations(), imgIds, catIds);
        List<CocoObject>[] dtCells = cells(detections, imgIds, catIds);
        int kEval = p.useCategories() ? nCat : 1;
        if (!p.useCategories()) {
            gtCells = catAgnostic(gtCells, nImg, nCat);
            dtCells = catAgnostic(dtCells, nImg, nCat);
        }
        int nArea = p.areaRanges().length;
        int maxDet = p.maxDets()[p.maxDets().length - 1];
        ImageEvaluation[] evals = new ImageEvaluation[kEval * nArea * nImg];
        for (int k = 0; k < kEval; k++) {
            for (int i = 0; i < nImg; i++) {
                List<CocoObject> g = gtCells[k * nImg + i];
                List<CocoObject> d = dtCells[k * nImg + i];
                if (g == null && d == null) {
                    continue;
                }
                g = g == null ? List.of() : g;
                List<CocoObject> dt = sortedAndCut(d == null ? List.of() : d, maxDet);
                double[][] ious = ious(gt, g, dt, p.iouType());
                double[] scores = new double[dt.size()];
                for (int j = 0; j < scores.length; j++) {
                    scores[j] = dt.get(j).score();
                }
                for (int a = 0; a < nArea; a++) {
                    evals[(k * nArea + a) * nImg + i] = evaluateImage(g, dt, scores, ious, p.areaRanges()[a], p.iouThresholds());
                }
            }
        }
        long[] evaluatedCats = p.useCategories() ? catIds : new long[] {-1};
        return accumulate(evals, p, evaluatedCats, nImg);
    }

    @SuppressWarnings("unchecked")
    private static List<CocoObject>[] cells(List<CocoObject> objects, long[] imgIds, long[] catIds) {
        Map<Long, Integer> img = CocoDataset.indexOf(imgIds);
        Map<Long, Integer> cat = CocoDataset.indexOf(catIds);
        List<CocoObject>[] cells = new List[catIds.length * imgIds.length];
        for (CocoObject o : objects) {
            Integer i = img.get(o.imageId());
            Integer k = cat.get(o.categoryId());
            if (i == null || k == null) {
                continue;
            }
            int c = k * imgIds.length + i;
            if (cells[c] == null) {
                cells[c] = new ArrayList<>(4);
            }
            cells[c].add(o);
        }
        return cells;
    }

    /** Class-agnostic cells: per image, every category's objects in category order. */
    @SuppressWarnings("unchecked")
    private static List<CocoObject>[] catAgnostic(List<CocoObject>[] cells, int nImg, int nCat) {
        List<CocoObject>[] out = new List[nImg];
        for (int i = 0; i < nImg; i++) {
            for (int k = 0; k < nCat; k++) {
                List<CocoObject> c = cells[k * nImg + i];
                if (c != null) {
                    if (out[i] == null) {
                        out[i] = new ArrayList<>();
                    }
                    out[i].addAll(c);
                }
            }
        }
        return out;
    }

    private static List<CocoObject> sortedAndCut(List<CocoObject> dt, int maxDet) {
        double[] s = new double[dt.size()];
        for (int j = 0; j < s.length; j++) {
            s[j] = dt.get(j).score();
        }
        int[] order = ScoreOrder.descending(s, s.length);
        int n = Math.min(order.length, maxDet);
        List<CocoObject> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            out.add(dt.get(order[j]));
        }
        return out;
    }

    /** [detection][gt] in the cells' order; null where either side is empty. */
    private static double[][] ious(CocoDataset data, List<CocoObject> gt, List<CocoObject> dt, IouType type) {
        if (gt.isEmpty() || dt.isEmpty()) {
            return null;
        }
        boolean[] crowd = new boolean[gt.size()];
        for (int g = 0; g < crowd.length; g++) {
            crowd[g] = gt.get(g).crowd();
        }
        if (type == IouType.BBOX) {
            double[][] db = new double[dt.size()][];
            double[][] gb = new double[gt.size()][];
            for (int d = 0; d < db.length; d++) {
                db[d] = dt.get(d).bbox();
            }
            for (int g = 0; g < gb.length; g++) {
                gb[g] = gt.get(g).bbox();
            }
            return MaskIou.boxes(db, gb, crowd);
        }
        CocoImage image = data.image(gt.get(0).imageId());
        Rle[] dm = new Rle[dt.size()];
        Rle[] gm = new Rle[gt.size()];
        for (int d = 0; d < dm.length; d++) {
            dm[d] = dt.get(d).rle(image);
        }
        for (int g = 0; g < gm.length; g++) {
            gm[g] = gt.get(g).rle(image);
        }
        return MaskIou.masks(dm, gm, crowd);
    }

    private static ImageEvaluation evaluateImage(List<CocoObject> gt, List<CocoObject> dt, double[] scores, double[][] ious,
            double[] range, double[] thresholds) {
        int nG = gt.size();
        int nD = dt.size();
        if (nG == 0 && nD == 0) {
            return null;
        }
        // ground truth ordered counted first, ignored (crowd or out of range) last, each in file order
        int[] order = new int[nG];
        boolean[] ignored = new boolean[nG];
        int counted = 0;
        for (int pass = 0, j = 0; pass < 2; pass++) {
            for (int g = 0; g < nG; g++) {
                CocoObject o = gt.get(g);
                boolean ign = o.crowd() || o.area() < range[0] || o.area() > range[1];
                if (ign == (pass == 1)) {
                    order[j] = g;
                    ignored[j] = ign;
                    j++;
                    if (!ign) {
                        counted++;
                    }
                }
            }
        }
        int nT = thresholds.length;
        byte[] outcome = new byte[nT * nD];
        boolean[] taken = new boolean[nG];
        for (int t = 0; t < nT; t++) {
            Arrays.fill(taken, false);
            for (int d = 0; d < nD; d++) {
                CocoObject det = dt.get(d);
                int m = -1;
                if (ious != null) {
                    double best = Math.min(thresholds[t], 1 - 1e-10);
                    double[] row = ious[d];
                    for (int j = 0; j < nG; j++) {
                        if (taken[j] && !gt.get(order[j]).crowd()) {
                            continue;
                        }
                        if (m > -1 && !ignored[m] && ignored[j]) {
                            break;
                        }
                        double v = row[order[j]];
                        if (v < best) {
                            continue;
                        }
                        best = v;
                        m = j;
                    }
                }
                boolean matchedIgnored = false;
                // pycocotools records the matched gt's id and tests it for non-zero: a gt with id 0 counts as no match
                boolean matched = false;
                if (m > -1) {
                    taken[m] = true;
                    matchedIgnored = ignored[m];
                    matched = gt.get(order[m]).id() != 0;
                }
                boolean outOfRange = det.area() < range[0] || det.area() > range[1];
                boolean ignore = matchedIgnored || (!matched && outOfRange);
                outcome[t * nD + d] = ignore ? ImageEvaluation.IGNORED
                        : matched ? ImageEvaluation.TRUE_POSITIVE : ImageEvaluation.FALSE_POSITIVE;
            }
        }
        return new ImageEvaluation(scores, outcome, counted);
    }

    private static CocoEvaluation accumulate(ImageEvaluation[] evals, EvalParams p, long[] catIds, int nImg) {
        int nT = p.iouThresholds().length;
        double[] recThrs = p.recallThresholds();
        int nR = recThrs.length;
        int nK = catIds.length;
        int nA = p.areaRanges().length;
        int[] maxDets = p.maxDets();
        int nM = maxDets.length;
        double[] precision = new double[nT * nR * nK * nA * nM];
        double[] recall = new double[nT * nK * nA * nM];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        List<ImageEvaluation> es = new ArrayList<>();
        for (int k = 0; k < nK; k++) {
            for (int a = 0; a < nA; a++) {
                es.clear();
                int counted = 0;
                for (int i = 0; i < nImg; i++) {
                    ImageEvaluation e = evals[(k * nA + a) * nImg + i];
                    if (e != null) {
                        es.add(e);
                        counted += e.countedGt;
                    }
                }
                if (es.isEmpty() || counted == 0) {
                    continue;
                }
                for (int m = 0; m < nM; m++) {
                    int maxDet = maxDets[m];
                    int n = 0;
                    for (ImageEvaluation e : es) {
                        n += Math.min(e.scores.length, maxDet);
                    }
                    double[] scores = new double[n];
                    byte[] outcome = new byte[nT * n];
                    int at = 0;
                    for (ImageEvaluation e : es) {
                        int d = e.scores.length;
                        int take = Math.min(d, maxDet);
                        System.arraycopy(e.scores, 0, scores, at, take);
                        for (int t = 0; t < nT; t++) {
                            System.arraycopy(e.outcome, t * d, outcome, t * n + at, take);
                        }
                        at += take;
                    }
                    int[] order = ScoreOrder.descending(scores, n);
                    double[] rc = new double[n];
                    double[] pr = new double[n];
                    for (int t = 0; t < nT; t++) {
                        double tp = 0;
                        double fp = 0;
                        for (int j = 0; j < n; j++) {
                            byte o = outcome[t * n + order[j]];
                            if (o == ImageEvaluation.TRUE_POSITIVE) {
                                tp++;
                            } else if (o == ImageEvaluation.FALSE_POSITIVE) {
                                fp++;
                            }
                            rc[j] = tp / counted;
                            pr[j] = tp / (fp + tp + EPS);
                        }
                        recall[((t * nK + k) * nA + a) * nM + m] = n > 0 ? rc[n - 1] : 0;
                        for (int j = n - 1; j > 0; j--) {
                            if (pr[j] > pr[j - 1]) {
                                pr[j - 1] = pr[j];
                            }
                        }
                        // np.searchsorted(rc, recThrs, 'left'): the first position reaching each threshold;
                        // thresholds never reached keep precision 0
                        int j = 0;
                        for (int r = 0; r < nR; r++) {
                            while (j < n && rc[j] < recThrs[r]) {
                                j++;
                            }
                            precision[(((t * nR + r) * nK + k) * nA + a) * nM + m] = j < n ? pr[j] : 0;
                        }
                    }
                }
            }
        }
        return new CocoEvaluation(p, catIds, precision, recall);
    }
}
