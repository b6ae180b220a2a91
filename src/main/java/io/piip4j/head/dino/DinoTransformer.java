package io.piip4j.head.dino;

import io.piip4j.head.StageSink;
import io.piip4j.nn.Embedding;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * mmdet's {@code DinoTransformer} at test time: the levels flattened into one token sequence
 * (positional embedding + {@code level_embeds}), the deformable encoder, two-stage query selection
 * (the encoder's proposals scored by {@code cls_branches[num_dec]} and refined by
 * {@code reg_branches[num_dec]}; the top {@code two_stage_num_proposals} tokens by their best class
 * logit give the initial boxes, {@code query_embed} the content queries in rank order), and the
 * decoder. No denoising queries (training only).
 */
public final class DinoTransformer extends Module {
    /** Steps reported to forward hooks: the encoder, the query selection, the decoder. */
    public static final String ENCODER = "encoder";
    public static final String QUERY_SELECTION = "query_selection";
    public static final String DECODER = "decoder";

    private final TransformerSpec spec;
    private final Parameter levelEmbeds;
    private final DeformableEncoder encoder;
    private final DinoDecoder decoder;
    private final Linear encOutput;
    private final LayerNorm encOutputNorm;
    private final Embedding queryEmbed;

    /** Per decoder layer its normed outputs (N, Q, E); the boxes into each layer and the last refined ones (N, Q, 4). */
    public record Result(List<Tensor> hs, List<Tensor> references) {
    }

    public DinoTransformer(TransformerSpec spec) {
        this.spec = spec;
        this.levelEmbeds = parameter("level_embeds", spec.numLevels(), spec.embedDims());
        this.encoder = child("encoder", new DeformableEncoder(spec));
        this.decoder = child("decoder", new DinoDecoder(spec));
        this.encOutput = child("enc_output", new Linear(spec.embedDims(), spec.embedDims()));
        this.encOutputNorm = child("enc_output_norm", new LayerNorm(spec.embedDims(), 1e-5));
        this.queryEmbed = child("query_embed", new Embedding(spec.numQueries(), spec.embedDims()));
    }

    public TransformerSpec spec() {
        return spec;
    }

    /** The encoder layers' deformable self-attentions (for timing hooks). */
    public List<MSDeformAttn> encoderAttentions() {
        return encoder.attentions();
    }

    /** The decoder layers' deformable cross-attentions (for timing hooks). */
    public List<MSDeformAttn> decoderAttentions() {
        return decoder.attentions();
    }

    /**
     * @param feats       the levels (N, E, H_l, W_l)
     * @param masks       their padding
     * @param posEmbeds   the levels' positional embeddings (N, E, H_l, W_l)
     * @param clsBranches {@code num_dec + 1} classifiers (the last scores the proposals)
     * @param regBranches {@code num_dec + 1} box branches (the last refines the proposals)
     */
    Result forward(List<Tensor> feats, LevelMasks masks, List<Tensor> posEmbeds, List<Linear> clsBranches,
            List<RegBranch> regBranches, StageSink sink) {
        int numLevels = feats.size();
        if (numLevels != spec.numLevels()) {
            throw new IllegalArgumentException("the transformer takes " + spec.numLevels() + " levels, got " + numLevels);
        }
        MSDeformAttn.Levels levels = masks.levels;
        Tensor[] tokens = new Tensor[numLevels];
        Tensor[] pos = new Tensor[numLevels];
        for (int l = 0; l < numLevels; l++) {
            tokens[l] = feats.get(l).flatten(2, -1).transpose(1, 2);
            pos[l] = posEmbeds.get(l).flatten(2, -1).transpose(1, 2).add(levelEmbeds.get().select(0, l).view(1, 1, -1));
        }
        Tensor x = F.cat(1, tokens);
        Tensor lvlPos = F.cat(1, pos);
        Tensor padding = masks.flat();
        Tensor validRatios = masks.validRatioTensor();
        if (sink.active()) {
            sink.put("valid_ratios", Tensors.toNdArray(validRatios));
        }
        Tensor memory = call(ENCODER, () -> encoder.forward(x, lvlPos, masks.encoderReference(), levels, padding));
        if (sink.active()) {
            sink.put("encoder_memory", Tensors.toNdArray(memory));
        }
        Tensor boxes = call(QUERY_SELECTION, () -> select(memory, masks, clsBranches.get(clsBranches.size() - 1),
                regBranches.get(regBranches.size() - 1), sink));
        long n = memory.size(0);
        Tensor query = queryEmbed.weight().unsqueeze(0).expand(n, -1, -1);
        DinoDecoder.Result dec = call(DECODER, () -> decoder.forward(query, memory, boxes, validRatios, levels, padding,
                regBranches, sink));
        return new Result(dec.normed(), dec.references());
    }

    /**
     * The two-stage query selection: proposals, their scores and refined boxes, the top-k tokens by
     * best class logit; returns their boxes (N, k, 4), the decoder's initial references.
     */
    private Tensor select(Tensor memory, LevelMasks masks, Linear cls, RegBranch reg, StageSink sink) {
        EncoderProposals proposals = new EncoderProposals(masks);
        Tensor outputMemory = encOutputNorm.forward(encOutput.forward(
                memory.masked_fill(proposals.unusableTensor(), new Scalar(0.0))));
        Tensor classes = cls.forward(outputMemory); // (N, Len, C)
        Tensor coords = reg.forward(outputMemory).add(proposals.logitTensor()); // +inf stays +inf
        int n = (int) memory.size(0);
        int len = (int) memory.size(1);
        int k = spec.numQueries();
        if (k > len) {
            throw new IllegalArgumentException("two_stage_num_proposals " + k + " exceeds the " + len + " tokens of the levels");
        }
        float[] best = Tensors.toFloats(classes.amax(new long[] {-1}, false));
        int[] top = new int[n * k];
        for (int b = 0; b < n; b++) {
            int[] order = Ranking.top(best, b * len, len, k);
            System.arraycopy(order, 0, top, b * k, k);
        }
        Tensor index = Tensors.fromInts(top, n, k).to(ScalarType.Long);
        Tensor topScore = classes.gather(1, index.unsqueeze(-1).expand(n, k, classes.size(2)));
        Tensor topCoords = coords.gather(1, index.unsqueeze(-1).expand(n, k, 4));
        Tensor anchors = topCoords.sigmoid();
        if (sink.active()) {
            sink.put("output_memory", Tensors.toNdArray(outputMemory));
            sink.put("output_proposals", Tensors.toNdArray(proposals.logitTensor()));
            sink.put("enc_outputs_class", Tensors.toNdArray(classes));
            sink.put("enc_outputs_coord_unact", Tensors.toNdArray(coords));
            sink.put("topk_indices", Tensors.toNdArray(index));
            sink.put("topk_score", Tensors.toNdArray(topScore));
            sink.put("topk_anchor", Tensors.toNdArray(anchors));
        }
        return anchors;
    }
}
