package io.piip4j.head.dino;

import io.piip4j.head.StageSink;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * mmdet's {@code DinoTransformerDecoder} with iterative box refinement: before each layer the
 * reference boxes are scaled by the valid ratios of every level, their first level's box is
 * sine-embedded (y, x, w, h; temperature 10000, E/2 features each) and mapped by
 * {@code ref_point_head} (Linear 2E→E, ReLU, Linear E→E) to the queries' positional embedding; after
 * it, {@code reg_branches[l]} of the layer's (un-normed) output refines the boxes in logit space.
 * Each layer's output through the shared {@code norm} is what the head classifies.
 */
final class DinoDecoder extends Module {
    private final ModuleList<DecoderLayer> layers = child("layers", new ModuleList<>());
    private final Linear refPoint1;
    private final Linear refPoint2;
    private final LayerNorm norm;
    private final int embedDims;

    /** Per layer the normed outputs, and the boxes that went into each layer plus the last refined ones. */
    record Result(List<Tensor> normed, List<Tensor> references) {
    }

    DinoDecoder(TransformerSpec spec) {
        this.embedDims = spec.embedDims();
        for (int i = 0; i < spec.decoderLayers(); i++) {
            layers.add(new DecoderLayer(spec));
        }
        Sequential head = child("ref_point_head", new Sequential());
        this.refPoint1 = head.at(0, new Linear(2L * embedDims, embedDims));
        this.refPoint2 = head.at(2, new Linear(embedDims, embedDims));
        this.norm = child("norm", new LayerNorm(embedDims, 1e-5));
    }

    int numLayers() {
        return layers.size();
    }

    List<MSDeformAttn> attentions() {
        return layers.items().stream().map(DecoderLayer::crossAttention).toList();
    }

    /**
     * @param query       (N, Q, E) content queries
     * @param memory      (N, Len, E)
     * @param boxes       (N, Q, 4) initial reference boxes (cx, cy, w, h) in [0, 1]
     * @param validRatios (N, levels, 2)
     */
    Result forward(Tensor query, Tensor memory, Tensor boxes, Tensor validRatios, MSDeformAttn.Levels levels, Tensor padding,
            List<RegBranch> regBranches, StageSink sink) {
        Tensor ratios4 = F.cat(-1, validRatios, validRatios).unsqueeze(1); // (N, 1, levels, 4)
        List<Tensor> normed = new ArrayList<>();
        List<Tensor> references = new ArrayList<>();
        references.add(boxes);
        List<Tensor> sines = new ArrayList<>();
        List<Tensor> positions = new ArrayList<>();
        List<Tensor> outputs = new ArrayList<>();
        List<Tensor> deltas = new ArrayList<>();
        Tensor output = query;
        Tensor reference = boxes;
        for (int l = 0; l < layers.size(); l++) {
            Tensor perLevel = reference.unsqueeze(2).mul(ratios4); // (N, Q, levels, 4)
            Tensor sine = sineEmbedding(perLevel.select(2, 0));
            Tensor queryPos = refPoint2.forward(F.relu(refPoint1.forward(sine)));
            output = layers.get(l).forward(output, queryPos, memory, perLevel, levels, padding);
            Tensor delta = regBranches.get(l).forward(output);
            reference = delta.add(DinoHead.inverseSigmoid(reference)).sigmoid();
            normed.add(norm.forward(output));
            references.add(reference);
            if (sink.active()) {
                sines.add(sine);
                positions.add(queryPos);
                outputs.add(output);
                deltas.add(delta);
            }
        }
        if (sink.active()) {
            put(sink, "decoder_query_sine_embed", sines);
            put(sink, "decoder_query_pos", positions);
            put(sink, "decoder_layer_out", outputs);
            put(sink, "decoder_refine_deltas", deltas);
            put(sink, "hs", normed);
            put(sink, "inter_references", references);
        }
        return new Result(normed, references);
    }

    /** (N, Q, 4) boxes → (N, Q, 2E): the sine embeddings of y, x, w, h, each E/2 wide. */
    private Tensor sineEmbedding(Tensor box) {
        Tensor e = SineEmbedding.of(F.mul(box, 2 * Math.PI), embedDims / 2, 10000); // (N, Q, 4, E/2) in x, y, w, h order
        return F.cat(-1, e.select(2, 1), e.select(2, 0), e.select(2, 2), e.select(2, 3));
    }

    private static void put(StageSink sink, String stage, List<Tensor> perLayer) {
        sink.put(stage, Tensors.toNdArray(F.stack(0, perLayer.toArray(new Tensor[0]))));
    }
}
