package io.piip4j.eval.coco;

/**
 * Intersection over union between detections and ground truth, boxes or masks, as pycocotools'
 * bbIou and rleIou. For a crowd ground-truth region the union is the detection's own area, so a
 * detection inside a crowd scores 1 whatever the crowd's extent. Results are [detection][gt].
 */
public final class MaskIou {
    private MaskIou() {
    }

    /** Boxes {x, y, w, h}. */
    public static double[][] boxes(double[][] dt, double[][] gt, boolean[] crowd) {
        double[][] o = new double[dt.length][gt.length];
        for (int g = 0; g < gt.length; g++) {
            double[] gb = gt[g];
            double ga = gb[2] * gb[3];
            for (int d = 0; d < dt.length; d++) {
                o[d][g] = box(dt[d], gb, ga, crowd[g]);
            }
        }
        return o;
    }

    private static double box(double[] db, double[] gb, double ga, boolean crowd) {
        double da = db[2] * db[3];
        double w = Math.min(db[2] + db[0], gb[2] + gb[0]) - Math.max(db[0], gb[0]);
        if (w <= 0) {
            return 0;
        }
        double h = Math.min(db[3] + db[1], gb[3] + gb[1]) - Math.max(db[1], gb[1]);
        if (h <= 0) {
            return 0;
        }
        double i = w * h;
        double u = crowd ? da : da + ga - i;
        return i / u;
    }

    /**
     * Masks. As the C code, the exact overlap is only computed where the masks' boxes overlap;
     * masks of different sizes give -1 (never a match).
     */
    public static double[][] masks(Rle[] dt, Rle[] gt, boolean[] crowd) {
        double[][] db = new double[dt.length][];
        for (int d = 0; d < dt.length; d++) {
            db[d] = dt[d].toBbox();
        }
        double[][] o = new double[dt.length][gt.length];
        for (int g = 0; g < gt.length; g++) {
            double[] gb = gt[g].toBbox();
            double ga = gb[2] * gb[3];
            for (int d = 0; d < dt.length; d++) {
                if (box(db[d], gb, ga, crowd[g]) > 0) {
                    o[d][g] = exact(dt[d], gt[g], crowd[g]);
                }
            }
        }
        return o;
    }

    private static double exact(Rle dt, Rle gt, boolean crowd) {
        if (dt.height() != gt.height() || dt.width() != gt.width()) {
            return -1;
        }
        long inter = 0;
        long union = 0;
        RunPairs w = new RunPairs(dt.counts(), gt.counts());
        while (w.next()) {
            if (w.inA || w.inB) {
                union += w.length;
                if (w.inA && w.inB) {
                    inter += w.length;
                }
            }
        }
        if (inter == 0) {
            union = 1;
        } else if (crowd) {
            union = dt.area();
        }
        return (double) inter / (double) union;
    }
}
