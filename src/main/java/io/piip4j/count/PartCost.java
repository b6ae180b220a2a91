package io.piip4j.count;

/**
 * The cost of one part of a whole model beyond its backbone (a neck, a head, a stage of a
 * transformer head), for one forward pass on one image.
 *
 * @param name          the part, as the reference's state-dict prefix where there is one ({@code neck}, {@code rpn_head})
 * @param assumption    what the FLOPs assume where they depend on more than the image size ("1000 proposals
 *                      (test_cfg.rpn.max_per_img)"); empty where they do not
 * @param params        parameters, counted from the part's modules as built
 * @param hookedFlops   multiply-adds mmcv's hooks count on the reference's module types (what mmdetection's
 *                      {@code get_flops.py} would see of this part)
 * @param analyticFlops the authors' analytic term for what the hooks miss (5·N·K·C per deformable attention)
 * @param trueFlops     every operation of the part's forward as built (multiply-adds, elementwise operations)
 */
public record PartCost(String name, String assumption, long params, long hookedFlops, long analyticFlops, long trueFlops) {

    /** The authors' detection convention carried over to this part: hooks plus the analytic terms. */
    public long authorsFlops() {
        return hookedFlops + analyticFlops;
    }

    /** FLOPs in a convention: authors-det as {@link #authorsFlops}, true as counted; authors-cls counts no heads. */
    public long flops(Convention c) {
        return switch (c) {
            case DET_SCRIPT -> authorsFlops();
            case TRUE -> trueFlops;
            case CLS_SCRIPT -> throw new IllegalArgumentException(c.id() + " counts a classification-style backbone: no " + name);
        };
    }

    /** "name (assumption)", or the name alone. */
    public String label() {
        return assumption.isEmpty() ? name : name + " (" + assumption + ")";
    }
}
