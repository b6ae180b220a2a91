package io.piip4j.llava.tower;

import io.piip4j.nn.Module;

/** The release's {@code PIIPVisionTower} wrapper: the tower itself sits under its {@code vision_tower}. */
public final class VisionTowerHolder extends Module {
    private final PiipVisionTower tower;

    public VisionTowerHolder(PiipVisionTower tower) {
        this.tower = child("vision_tower", tower);
    }

    public PiipVisionTower tower() {
        return tower;
    }
}
