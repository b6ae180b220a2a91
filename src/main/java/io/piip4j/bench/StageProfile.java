package io.piip4j.bench;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.interaction.Injector;
import io.piip4j.backbone.interaction.InteractionUnit;
import io.piip4j.detector.Dino;
import io.piip4j.detector.MaskRcnn;
import io.piip4j.head.dino.DinoTransformer;
import io.piip4j.segmentor.UperNet;
import io.piip4j.head.StandardRoiHead;
import io.piip4j.nn.ConvFFN;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall time per named stage of a network's forward passes, for {@code piip bench --profile}:
 * timing hooks on the modules of each stage (branch embeddings and block groups, interaction
 * units and their parts; for a Mask R-CNN its stages: backbone, neck, RPN, box head, mask head, mask
 * paste, with their parts). CPU kernels run synchronously, so a stage's wall time is its cost.
 * Stages nest by "/" ({@code interactions/deform/sampling} is inside {@code interactions/deform}).
 * Installed only for a profile; closing it removes every hook.
 */
public final class StageProfile implements AutoCloseable {
    private static final Runnable NOTHING = () -> { };
    /** The children of a deformable attention timed as its parts, by the reference's names. */
    private static final Map<String, String> DEFORM_PARTS = Map.of("value_proj", "value_proj",
            "sampling_offsets", "offset_linear", "attention_weights", "weight_linear", "output_proj", "output_proj");

    /** A Mask R-CNN's steps ({@link MaskRcnn}, {@link StandardRoiHead}) by stage name. */
    private static final Map<String, String> DETECTOR_STAGES = Map.of(MaskRcnn.BACKBONE, "backbone", MaskRcnn.NECK, "neck",
            MaskRcnn.RPN, "rpn", MaskRcnn.RPN_HEAD, "rpn/head", MaskRcnn.PROPOSALS, "rpn/proposals");
    /** A UperNet's steps ({@link UperNet}): summed over the sliding windows in slide mode. */
    private static final Map<String, String> SEGMENTOR_STAGES = Map.of(UperNet.BACKBONE, "backbone", UperNet.DECODE_HEAD, "decode_head",
            UperNet.CLASS_MAPS, "class_maps");
    private static final Map<String, String> ROI_HEAD_STAGES = Map.of(StandardRoiHead.BOX, "box_head",
            StandardRoiHead.BOX_ROI_ALIGN, "box_head/roi_align", StandardRoiHead.BOX_FCS, "box_head/fcs",
            StandardRoiHead.BOX_NMS, "box_head/nms", StandardRoiHead.MASK, "mask_head",
            StandardRoiHead.MASK_ROI_ALIGN, "mask_head/roi_align", StandardRoiHead.MASK_CONVS, "mask_head/convs",
            StandardRoiHead.MASK_PASTE, "mask_paste");

    /** A DINO's steps ({@link Dino}, {@link DinoTransformer}) by stage name. */
    private static final Map<String, String> DINO_STAGES = Map.of(Dino.BACKBONE, "backbone", Dino.NECK, "neck", Dino.HEAD, "head",
            Dino.DETECTIONS, "detections");
    private static final Map<String, String> DINO_TRANSFORMER_STAGES = Map.of(DinoTransformer.ENCODER, "head/encoder",
            DinoTransformer.QUERY_SELECTION, "head/query_selection", DinoTransformer.DECODER, "head/decoder");

    private final Map<String, Long> totals = new LinkedHashMap<>();
    private final List<AutoCloseable> handles = new ArrayList<>();
    private volatile boolean collecting;

    private StageProfile() {
    }

    /** Installs the timing hooks on {@code network}'s stage modules; nothing is collected before {@link #start}. */
    public static StageProfile install(Module network) {
        StageProfile p = new StageProfile();
        p.walk(network);
        return p;
    }

    private void walk(Module m) {
        if (m instanceof MaskRcnn detector) { // the detector's stages; nothing inside them is timed
            time(detector, DETECTOR_STAGES);
            time(detector.roiHead(), ROI_HEAD_STAGES);
            return;
        }
        if (m instanceof Dino dino) { // its stages, and the deformable attentions of encoder and decoder
            time(dino, DINO_STAGES);
            DinoTransformer t = dino.head().transformer();
            time(t, DINO_TRANSFORMER_STAGES);
            t.encoderAttentions().forEach(a -> time(a, Map.of(Module.FORWARD, "head/encoder/deform", "sampling",
                    "head/encoder/deform/sampling")));
            t.decoderAttentions().forEach(a -> time(a, Map.of(Module.FORWARD, "head/decoder/deform", "sampling",
                    "head/decoder/deform/sampling")));
            return;
        }
        if (m instanceof UperNet segmentor) {
            time(segmentor, SEGMENTOR_STAGES);
            return;
        }
        if (m instanceof Branch b) {
            String name = b.config().name();
            time(b, Map.of(Branch.EMBED, name + ".embed", Branch.BLOCKS, name + ".blocks"));
        } else if (m instanceof InteractionUnit) {
            time(m, Map.of(Module.FORWARD, "interactions"));
        } else if (m instanceof Injector) {
            time(m, Map.of(Injector.RESIDUAL, "interactions/residual"));
            m.children().forEach((name, c) -> {
                if (c instanceof LayerNorm) { // query_norm, feat_norm, ffn_norm
                    time(c, Map.of(Module.FORWARD, "interactions/norms"));
                } else if (c instanceof ConvFFN) {
                    time(c, Map.of(Module.FORWARD, "interactions/ffn"));
                } else if (c instanceof MSDeformAttn) {
                    time(c, Map.of(Module.FORWARD, "interactions/deform", "sampling", "interactions/deform/sampling"));
                    c.children().forEach((part, linear) -> {
                        String stage = DEFORM_PARTS.get(part);
                        if (stage != null) {
                            time(linear, Map.of(Module.FORWARD, "interactions/deform/" + stage));
                        }
                    });
                }
            });
            return; // nothing inside an injector is timed but the above
        }
        for (Module c : m.children().values()) {
            walk(c);
        }
    }

    private void time(Module m, Map<String, String> stages) {
        handles.add(m.addForwardHook((module, step) -> {
            String stage = stages.get(step);
            if (stage == null || !collecting) {
                return NOTHING;
            }
            long t0 = System.nanoTime();
            return () -> add(stage, System.nanoTime() - t0);
        }));
    }

    private synchronized void add(String stage, long nanos) {
        totals.merge(stage, nanos, Long::sum);
    }

    /** Starts collecting (clearing earlier totals). */
    public synchronized void start() {
        totals.clear();
        collecting = true;
    }

    /** Stops collecting and returns nanoseconds per stage, in first-seen order. */
    public synchronized Map<String, Long> stop() {
        collecting = false;
        return new LinkedHashMap<>(totals);
    }

    /** Removes every hook. */
    @Override
    public void close() {
        for (AutoCloseable h : handles) {
            try {
                h.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        handles.clear();
    }
}
