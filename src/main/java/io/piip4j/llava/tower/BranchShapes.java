package io.piip4j.llava.tower;

/**
 * Where a branch's architecture comes from: the release names a pretrained model
 * ({@code pretrained}) rather than its shape, so the shape is supplied from elsewhere (a golden
 * case's presets, or the checkpoint's own tensors).
 */
public interface BranchShapes {
    ClipVisionConfig clip(String branch, String pretrained);

    ConvNextConfig convnext(String branch, String pretrained);
}
