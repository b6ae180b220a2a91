package io.piip4j.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.piip4j.ops.DeltaXywhBoxCoder;
import io.piip4j.tensor.Inference;
import java.util.List;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Without any proposal the RoI head returns empty detections (and masks of the output size) without running its layers. */
class StandardRoiHeadTest {

    @Test
    void noProposalsGiveNoDetections() {
        DeltaXywhBoxCoder coder = new DeltaXywhBoxCoder(new float[] {0, 0, 0, 0}, new float[] {0.1f, 0.1f, 0.2f, 0.2f});
        int[] strides = {4, 8};
        StandardRoiHead head = new StandardRoiHead(new SingleRoiExtractor(7, 0, true, strides, 56f),
                new Shared2FcBBoxHead(8, 7, 16, 2, 3, false, coder), new SingleRoiExtractor(14, 0, true, strides, 56f),
                new FcnMaskHead(2, 8, 8, 3, 3));
        ImageMeta meta = new ImageMeta(40, 60, 32, 48, 32, 48, new float[] {0.8f, 0.8f, 0.8f, 0.8f});
        List<Detections> dets = Inference.run(() -> head.simpleTest(
                List.of(torch.zeros(1, 8, 8, 12), torch.zeros(1, 8, 4, 6)), List.of(new float[0]), List.of(meta), true,
                new TestConfigs.Rcnn(0.05f, 0.5f, 100, 0.5f), StageSink.NONE));
        assertEquals(1, dets.size());
        Detections d = dets.get(0);
        assertEquals(0, d.count());
        assertEquals(40, d.height());
        assertEquals(60, d.width());
        assertEquals(0, d.masks().length);
    }
}
