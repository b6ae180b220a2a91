package io.piip4j.head.dino;

/**
 * The sizes of a DINO transformer, as its config gives them.
 *
 * @param embedDims           model width E
 * @param feedforwardChannels FFN hidden width
 * @param encoderLayers       deformable encoder layers
 * @param decoderLayers       decoder layers
 * @param numLevels           feature levels (4 for DINO-4scale)
 * @param deformHeads         heads of the deformable attentions
 * @param numPoints           sampling points per head and level
 * @param selfAttentionHeads  heads of the decoder's self-attention
 * @param numQueries          two-stage proposals = decoder queries
 */
public record TransformerSpec(int embedDims, int feedforwardChannels, int encoderLayers, int decoderLayers, int numLevels,
        int deformHeads, int numPoints, int selfAttentionHeads, int numQueries) {
    public TransformerSpec {
        if (embedDims < 1 || feedforwardChannels < 1 || encoderLayers < 0 || decoderLayers < 1 || numLevels < 1
                || deformHeads < 1 || numPoints < 1 || selfAttentionHeads < 1 || numQueries < 1) {
            throw new IllegalArgumentException("transformer sizes must be positive (embed_dims " + embedDims + ", ffn "
                    + feedforwardChannels + ", layers " + encoderLayers + "/" + decoderLayers + ", levels " + numLevels + ", heads "
                    + deformHeads + "/" + selfAttentionHeads + ", points " + numPoints + ", queries " + numQueries + ")");
        }
        if (embedDims % 2 != 0) {
            throw new IllegalArgumentException("embed_dims must be even for the sine query embedding, got " + embedDims);
        }
    }
}
