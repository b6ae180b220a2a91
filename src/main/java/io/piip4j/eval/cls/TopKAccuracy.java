package io.piip4j.eval.cls;

/**
 * Top-1 / top-k accuracy of a classifier, overall and per true class: a prediction counts for
 * top-k when the true class is among the k highest scores.
 */
public final class TopKAccuracy {
    private final int k;
    private final long[] images;
    private final long[] top1;
    private final long[] topK;

    public TopKAccuracy(int numClasses, int k) {
        this.k = k;
        images = new long[numClasses];
        top1 = new long[numClasses];
        topK = new long[numClasses];
    }

    public int k() {
        return k;
    }

    /** One image: its true class and the predicted classes, best first (at least k of them where the model has k). */
    public void add(int label, int[] ranked) {
        images[label]++;
        if (ranked.length > 0 && ranked[0] == label) {
            top1[label]++;
        }
        for (int i = 0; i < Math.min(k, ranked.length); i++) {
            if (ranked[i] == label) {
                topK[label]++;
                break;
            }
        }
    }

    public long images() {
        return sum(images);
    }

    public long images(int c) {
        return images[c];
    }

    public double top1() {
        return (double) sum(top1) / images();
    }

    public double topK() {
        return (double) sum(topK) / images();
    }

    /** NaN for a class without images. */
    public double top1(int c) {
        return (double) top1[c] / images[c];
    }

    public double topK(int c) {
        return (double) topK[c] / images[c];
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }
}
