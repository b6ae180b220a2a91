package io.piip4j.llava.tower;

import io.piip4j.llava.config.JsonKeys;

/**
 * Branch shapes written out in JSON: CLIP presets by branch name ({@code hidden_size},
 * {@code intermediate_size}, {@code num_hidden_layers}, {@code num_attention_heads},
 * {@code image_size}, {@code patch_size}, optional {@code layer_norm_eps}) and one timm ConvNeXt
 * ({@code depths}, {@code dims}), as the golden cases record them.
 */
public final class PresetShapes implements BranchShapes {
    private final JsonKeys clipPresets;
    private final JsonKeys convnext;

    /** Either may be null where no branch of that kind is described. */
    public PresetShapes(JsonKeys clipPresets, JsonKeys convnext) {
        this.clipPresets = clipPresets;
        this.convnext = convnext;
    }

    @Override
    public ClipVisionConfig clip(String branch, String pretrained) {
        if (clipPresets == null) {
            throw new io.piip4j.config.ConfigException(branch + ": no CLIP shape given for '" + pretrained + "'");
        }
        return clipConfig(clipPresets.object(branch));
    }

    /** A Hugging Face {@code CLIPVisionConfig}-like object. */
    public static ClipVisionConfig clipConfig(JsonKeys c) {
        return new ClipVisionConfig(c.positive("hidden_size", null), c.positive("intermediate_size", null),
                c.positiveInt("num_hidden_layers", null), c.positiveInt("num_attention_heads", null), c.positive("image_size", null),
                c.positive("patch_size", null), c.number("layer_norm_eps", 1e-5));
    }

    @Override
    public ConvNextConfig convnext(String branch, String pretrained) {
        if (convnext == null) {
            throw new io.piip4j.config.ConfigException(branch + ": no ConvNeXt shape given for '" + pretrained + "'");
        }
        long[] d = convnext.longs("depths");
        int[] depths = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            depths[i] = Math.toIntExact(d[i]);
        }
        return new ConvNextConfig(depths, convnext.longs("dims"));
    }
}
