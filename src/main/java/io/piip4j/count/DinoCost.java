package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.detector.Dino;
import io.piip4j.detector.DinoConfig;
import io.piip4j.head.dino.DinoHead;
import io.piip4j.head.dino.TransformerSpec;
import io.piip4j.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DINO after the backbone (PIIP's mmdetection 2.25 fork at test time): the ChannelMapper neck, the
 * deformable encoder on every token of the levels, the two-stage query selection (every token
 * scored and refined, the top {@code two_stage_num_proposals} kept), the decoder on those queries,
 * and the class/box branches of every decoder layer. Positional encodings, reference points and
 * proposal boxes are counted as elementwise work; the top-k selections and the final scoring are not.
 *
 * <p>The authors' convention for these parts is mmcv's hooks ({@code nn.Linear}, {@code nn.LayerNorm},
 * {@code nn.GroupNorm}, {@code nn.ReLU}, convolutions) plus 5·N·K·C per deformable attention;
 * {@code nn.MultiheadAttention} (the decoder's self-attention) is no hooked type, so that
 * convention leaves it out, as it would in mmdetection's {@code get_flops.py}.
 */
final class DinoCost implements TaskHeadsCost {
    /** inverse_sigmoid per element: two clamps, 1 − x, another clamp, divide, log. */
    private static final int INVERSE_SIGMOID_OPS = 6;

    @Override
    public boolean describes(JsonNode root) {
        return DinoConfig.describes(root);
    }

    @Override
    public String kind() {
        return "DINO";
    }

    @Override
    public List<PartCost> parts(JsonNode root, String name, List<FeatureMap> features, InputSize image) {
        DinoConfig cfg = DinoConfig.read(root, name);
        TransformerSpec s = cfg.transformer();
        DinoHead head = Dino.newHead(cfg);
        Map<String, Long> params = headParams(head, s.decoderLayers());
        List<PartCost> parts = new ArrayList<>();

        Meter neck = new Meter("neck", "ChannelMapper, " + cfg.neck().numOuts() + " levels").params(Dino.newNeck(cfg));
        List<FeatureMap> levels = channelMapper(neck, cfg.neck(), features, name);
        parts.add(neck.result());
        if (levels.size() != s.numLevels()) {
            throw new ConfigException(name + ": model.neck.num_outs " + levels.size() + " differs from num_feature_levels "
                    + s.numLevels());
        }
        long tokens = levels.stream().mapToLong(FeatureMap::cells).sum();
        long queries = s.numQueries();
        if (queries > tokens) {
            throw new ConfigException(name + ": two_stage_num_proposals " + queries + " exceeds the " + tokens + " tokens of the levels at "
                    + image);
        }
        long e = s.embedDims();

        Meter enc = new Meter("encoder", layers(s.encoderLayers()) + String.format(Locale.ROOT, " on %,d tokens", tokens))
                .params(params.get("encoder"));
        enc.elementwise(8 * tokens); // padding masks to coordinates: two running sums, normalised
        enc.sine(tokens * e); // the sine positional encoding
        enc.elementwise(tokens * e); // + level embedding
        enc.elementwise(4 * tokens + 2 * tokens * s.numLevels()); // reference points, scaled per level
        for (int i = 0; i < s.encoderLayers(); i++) {
            deformableAttention(enc, s, tokens, tokens, false);
            enc.norm(tokens * e, true, true);
            ffn(enc, s, tokens);
        }
        parts.add(enc.result());

        Meter sel = new Meter("query selection",
                String.format(Locale.ROOT, "scores %,d tokens, keeps %d (two_stage_num_proposals)", tokens, queries))
                .params(params.get("selection"));
        sel.elementwise(20 * tokens); // each token's proposal box as logits, with its range checks
        sel.linear(tokens, e, e, true, true); // enc_output
        sel.norm(tokens * e, true, true); // enc_output_norm
        sel.linear(tokens, e, cfg.numClasses(), true, true); // cls_branches[num_layers]
        regBranch(sel, cfg, tokens); // reg_branches[num_layers]
        sel.elementwise(4 * tokens); // + the proposals
        sel.sigmoid(4 * queries); // the kept boxes
        parts.add(sel.result());

        Meter dec = new Meter("decoder", layers(s.decoderLayers()) + " on " + queries + " queries").params(params.get("decoder"));
        for (int i = 0; i < s.decoderLayers(); i++) {
            dec.elementwise(4 * queries * s.numLevels()); // reference boxes scaled by the levels' valid ratios
            dec.elementwise(4 * queries); // boxes scaled by 2π
            dec.sine(2 * e * queries); // sine embedding of the box, 2E wide
            dec.linear(queries, 2 * e, e, true, true); // ref_point_head (mmdet's MLP: Linear, F.relu, Linear)
            dec.relu(queries * e, false);
            dec.linear(queries, e, e, true, true);
            selfAttention(dec, s, queries);
            dec.norm(queries * e, true, true);
            deformableAttention(dec, s, queries, tokens, true);
            dec.norm(queries * e, true, true);
            ffn(dec, s, queries);
            dec.norm(queries * e, true, true); // the layer's last norm
            dec.norm(queries * e, true, true); // the decoder's shared norm on each layer's output (return_intermediate)
        }
        parts.add(dec.result());

        Meter br = new Meter("cls/reg branches", "each of " + s.decoderLayers() + " decoder layers, " + queries + " queries")
                .params(params.get("branches"));
        for (int i = 0; i < s.decoderLayers(); i++) {
            regBranch(br, cfg, queries); // refinement inside the decoder
            refine(br, queries);
            br.linear(queries, e, cfg.numClasses(), true, true); // the head's outputs of this layer
            regBranch(br, cfg, queries);
            refine(br, queries);
        }
        parts.add(br.result());

        parts.add(new Meter("label_embedding", "denoising queries, training only").params(params.get("label_embedding")).result());
        return parts;
    }

    private static String layers(int n) {
        return n + (n == 1 ? " layer" : " layers");
    }

    /** ChannelMapper: per input a k×k convolution without bias + GroupNorm; extra levels by stride-2 3×3 convolutions + GroupNorm. */
    static List<FeatureMap> channelMapper(Meter m, DinoConfig.Neck n, List<FeatureMap> in, String name) {
        int[] channels = n.inChannels();
        boolean match = channels.length == in.size();
        for (int i = 0; match && i < channels.length; i++) {
            match = channels[i] == in.get(i).channels();
        }
        if (!match) {
            throw new ConfigException(name + ": model.neck.in_channels: " + java.util.Arrays.toString(channels)
                    + ", but the backbone hands on " + in);
        }
        long c = n.outChannels();
        List<FeatureMap> outs = new ArrayList<>();
        for (FeatureMap f : in) {
            m.conv(f.height(), f.width(), f.channels(), c, n.kernelSize(), 1, false);
            m.norm(c * f.cells(), true, true);
            outs.add(new FeatureMap(c, f.height(), f.width()));
        }
        for (int i = in.size(); i < n.numOuts(); i++) {
            FeatureMap src = i == in.size() ? in.get(in.size() - 1) : outs.get(outs.size() - 1);
            FeatureMap next = new FeatureMap(c, MaskRcnnCost.half(src.height()), MaskRcnnCost.half(src.width()));
            m.conv(next.height(), next.width(), src.channels(), c, 3, 1, false);
            m.norm(next.elements(), true, true);
            outs.add(next);
        }
        return outs;
    }

    /**
     * mmcv's MultiScaleDeformableAttention: query + pos, value projection of every memory token,
     * sampling offsets and attention weights (softmax over levels × points per head), the sampling,
     * the output projection and the residual.
     */
    static void deformableAttention(Meter m, TransformerSpec s, long queries, long values, boolean boxReferences) {
        long e = s.embedDims();
        long samples = (long) s.deformHeads() * s.numLevels() * s.numPoints();
        m.elementwise(queries * e); // query + query_pos
        m.linear(values, e, e, true, true); // value_proj
        m.linear(queries, e, 2 * samples, true, true); // sampling_offsets
        m.linear(queries, e, samples, true, true); // attention_weights
        m.softmax(queries * samples);
        m.deformableSampling(queries, s.deformHeads(), (long) s.numLevels() * s.numPoints(), e, boxReferences);
        m.linear(queries, e, e, true, true); // output_proj
        m.elementwise(queries * e); // + identity
    }

    /** The decoder's self-attention ({@code nn.MultiheadAttention}: its projections run as F.linear, unhooked). */
    private static void selfAttention(Meter m, TransformerSpec s, long queries) {
        long e = s.embedDims();
        m.elementwise(queries * e); // query + query_pos (queries and keys)
        for (int i = 0; i < 3; i++) {
            m.linear(queries, e, e, true, false); // in_proj q, k, v
        }
        m.attention(queries, queries, e, s.selfAttentionHeads());
        m.linear(queries, e, e, true, false); // out_proj
        m.elementwise(queries * e); // + identity
    }

    /** mmcv's FFN: Linear, nn.ReLU, Linear, + identity. */
    private static void ffn(Meter m, TransformerSpec s, long rows) {
        m.linear(rows, s.embedDims(), s.feedforwardChannels(), true, true);
        m.relu(rows * s.feedforwardChannels(), true);
        m.linear(rows, s.feedforwardChannels(), s.embedDims(), true, true);
        m.elementwise(rows * s.embedDims());
    }

    /** A box branch: num_reg_fcs × (Linear(E, E), nn.ReLU), Linear(E, 4). */
    private static void regBranch(Meter m, DinoConfig cfg, long rows) {
        long e = cfg.transformer().embedDims();
        for (int i = 0; i < cfg.numRegFcs(); i++) {
            m.linear(rows, e, e, true, true);
            m.relu(rows * e, true);
        }
        m.linear(rows, e, 4, true, true);
    }

    /** sigmoid(delta + inverse_sigmoid(reference)) on the queries' boxes. */
    private static void refine(Meter m, long queries) {
        m.elementwise((INVERSE_SIGMOID_OPS + 1) * 4 * queries);
        m.sigmoid(4 * queries);
    }

    /**
     * The head's parameters by row: encoder (with the level embeddings), query selection (enc_output,
     * its norm, the last class/box branch, the content queries), decoder, the branches of the decoder
     * layers, and the denoising label table.
     */
    private static Map<String, Long> headParams(DinoHead head, int decoderLayers) {
        Map<String, Long> rows = new java.util.LinkedHashMap<>();
        for (String r : List.of("encoder", "selection", "decoder", "branches", "label_embedding")) {
            rows.put(r, 0L);
        }
        String last = "." + decoderLayers + ".";
        for (Map.Entry<String, Parameter> p : head.namedParameters().entrySet()) {
            String k = p.getKey();
            String row;
            if (k.startsWith("transformer.encoder.") || k.equals("transformer.level_embeds")) {
                row = "encoder";
            } else if (k.startsWith("transformer.decoder.")) {
                row = "decoder";
            } else if (k.startsWith("transformer.")) {
                row = "selection"; // enc_output, enc_output_norm, query_embed
            } else if (k.startsWith("cls_branches.") || k.startsWith("reg_branches.")) {
                row = k.substring(k.indexOf('.')).startsWith(last) ? "selection" : "branches";
            } else if (k.startsWith("label_embedding.")) {
                row = "label_embedding";
            } else {
                throw new IllegalStateException("DINO head parameter " + k + " belongs to no cost row");
            }
            rows.merge(row, p.getValue().numel(), Long::sum);
        }
        return rows;
    }
}
