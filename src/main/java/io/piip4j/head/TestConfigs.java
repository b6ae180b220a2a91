package io.piip4j.head;

/** The {@code test_cfg} blocks of a two-stage detector. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /**
     * {@code test_cfg.rpn}: top {@code nmsPre} per level, boxes wider and taller than
     * {@code minBboxSize} (none filtered when negative), NMS, first {@code maxPerImg}.
     */
    public record Rpn(int nmsPre, int maxPerImg, float iouThreshold, float minBboxSize) {
    }

    /**
     * {@code test_cfg.rcnn}: class scores above {@code scoreThr}, class-wise NMS, first
     * {@code maxPerImg}, masks binarised at {@code maskThrBinary}.
     */
    public record Rcnn(float scoreThr, float iouThreshold, int maxPerImg, float maskThrBinary) {
    }
}
