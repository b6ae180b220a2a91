package io.piip4j.train;

/**
 * Learning rate per optimizer step: linear warm-up from {@code warmupLr} to {@code lr} over the
 * first {@code warmupSteps}, then a half cosine from {@code lr} down to {@code minLr} at the last
 * step (timm's {@code CosineLRScheduler} curve, evaluated per step rather than per epoch).
 */
public record LrSchedule(double lr, double minLr, double warmupLr, long warmupSteps, long totalSteps) {

    public LrSchedule {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("a schedule needs at least one step, got " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warm-up of " + warmupSteps + " steps does not fit " + totalSteps + " steps");
        }
    }

    /** The rate for step {@code t} (0-based). */
    public double at(long t) {
        if (t < warmupSteps) {
            return warmupLr + (lr - warmupLr) * t / warmupSteps;
        }
        long span = totalSteps - warmupSteps;
        double progress = span <= 1 ? 1.0 : Math.min(1.0, (double) (t - warmupSteps) / (span - 1));
        return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
    }
}
