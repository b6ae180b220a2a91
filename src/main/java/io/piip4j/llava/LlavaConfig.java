package io.piip4j.llava;

import io.piip4j.llava.lm.LlamaConfig;
import io.piip4j.llava.projector.ProjectorConfig;
import io.piip4j.llava.tower.TowerConfig;

/**
 * A whole PIIP-LLaVA model: the vision tower and projector of the release's config file, the
 * LLaMA decoder of {@code config.json}, and how images are prepared ({@code image_aspect_ratio}:
 * {@code pad} to a square of the mean colour first, as LLaVA-1.5 does, or {@code square}).
 */
public record LlavaConfig(TowerConfig tower, ProjectorConfig projector, LlamaConfig llm, String imageAspectRatio) {
    public LlavaConfig {
        if (!imageAspectRatio.equals("pad") && !imageAspectRatio.equals("square")) {
            throw new IllegalArgumentException("image_aspect_ratio must be pad or square, got '" + imageAspectRatio + "'");
        }
    }

    /** The side of the square image the tower takes (branch 2's {@code img_size}). */
    public long imageSize() {
        return tower.branch2().imgSize();
    }
}
