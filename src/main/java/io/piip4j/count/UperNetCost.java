package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import io.piip4j.segmentor.UperNetConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * UperNet after the backbone (mmsegmentation 0.27 at test time), for one forward pass (the whole
 * image in whole mode, one crop in slide mode): the UPerHead — pyramid pooling on the coarsest map
 * (adaptive average pooling, 1×1 ConvModules, bilinear back up, the 3×3 bottleneck), 1×1 laterals,
 * the top-down bilinear additions, 3×3 FPN convolutions, the upsampled concatenation fused by the
 * 3×3 {@code fpn_bottleneck}, the 1×1 classifier — every ConvModule a bias-free convolution, BatchNorm
 * and ReLU. The FCN auxiliary head is built (its parameters count) but does not run at test time.
 * The resize of the logits to the image, softmax and argmax are not counted.
 */
final class UperNetCost implements TaskHeadsCost {

    @Override
    public boolean describes(JsonNode root) {
        return UperNetConfig.describes(root);
    }

    @Override
    public String kind() {
        return "UperNet";
    }

    @Override
    public List<PartCost> parts(JsonNode root, String name, List<FeatureMap> features, InputSize image) {
        UperNetConfig cfg = UperNetConfig.read(root, name);
        UperNetConfig.DecodeHead d = cfg.decodeHead();
        List<PartCost> parts = new ArrayList<>();
        String basis = cfg.test().mode() == UperNetConfig.Mode.SLIDE ? "one crop (slide mode runs it per window)" : "the whole image";
        Meter head = new Meter("decode_head", "UPerHead on " + basis)
                .params(d.create());
        upHead(head, d, features, name);
        parts.add(head.result());
        UperNetConfig.AuxHead a = cfg.auxHead();
        if (a != null) {
            parts.add(new Meter("auxiliary_head", "FCNHead: training only, not run at test time")
                    .params(a.create(Math.floorMod(a.inIndex(), features.size()))).result());
        }
        return parts;
    }

    static void upHead(Meter m, UperNetConfig.DecodeHead d, List<FeatureMap> features, String name) {
        int n = d.inIndex().length;
        List<FeatureMap> in = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = Math.floorMod(d.inIndex()[k], features.size());
            FeatureMap f = features.get(i);
            if (f.channels() != d.inChannels()[k]) {
                throw new ConfigException(name + ": model.decode_head.in_channels[" + k + "] is " + d.inChannels()[k]
                        + ", but the backbone's map " + i + " has " + f.channels() + " channels");
            }
            in.add(f);
        }
        long c = d.channels();
        // pyramid pooling on the coarsest input, then the bottleneck over it and the pooled scales
        FeatureMap top = in.get(n - 1);
        for (int s : d.poolScales()) {
            m.adaptiveAvgPool(top.elements());
            convModule(m, s, s, top.channels(), c, 1);
            m.bilinear(c * top.cells());
        }
        convModule(m, top.height(), top.width(), top.channels() + (long) d.poolScales().length * c, c, 3);
        // laterals of the finer inputs; the PPM output is the coarsest lateral
        for (int k = 0; k < n - 1; k++) {
            convModule(m, in.get(k).height(), in.get(k).width(), in.get(k).channels(), c, 1);
        }
        for (int k = n - 1; k > 0; k--) {
            long cells = in.get(k - 1).cells();
            m.bilinear(c * cells);
            m.elementwise(c * cells);
        }
        for (int k = 0; k < n - 1; k++) {
            convModule(m, in.get(k).height(), in.get(k).width(), c, c, 3);
        }
        FeatureMap fine = in.get(0);
        for (int k = 1; k < n; k++) {
            m.bilinear(c * fine.cells());
        }
        convModule(m, fine.height(), fine.width(), (long) n * c, c, 3);
        m.conv(fine.height(), fine.width(), c, d.numClasses(), 1, 1, true);
    }

    /** mmcv's ConvModule with {@code norm_cfg=BN}, ReLU: a bias-free convolution, BatchNorm, ReLU. */
    private static void convModule(Meter m, long h, long w, long in, long out, int kernel) {
        m.conv(h, w, in, out, kernel, 1, false);
        m.norm(out * h * w, true, true);
        m.relu(out * h * w, true);
    }
}
