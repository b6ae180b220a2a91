package io.piip4j.count;

import io.piip4j.config.JsonPath;

/**
 * The bidirectional interaction unit between two neighbouring branches (a: larger model, lower
 * resolution; b: the next branch): optional projections, then an injector each way — query/feature
 * norms, cross-attention (deformable or plain), and the optional convolutional FFN.
 */
final class Interactions {
    /**
     * @param normLayer the injectors' LayerNorms ({@code norm_layer: "none"} makes them identities)
     */
    record Options(int heads, int points, double deformRatio, boolean withCffn, double cffnRatio,
            boolean deform, boolean withProj, boolean normLayer) {

        static Options of(JsonPath c) {
            String attn = c.string("interact_attn_type", "normal");
            if (!attn.equals("deform") && !attn.equals("normal")) {
                throw c.error("interact_attn_type", "unsupported value '" + attn + "' (expected deform or normal)");
            }
            return new Options(c.positive("deform_num_heads", 6), c.positive("n_points", 4),
                    c.number("deform_ratio", 1.0), c.bool("with_cffn", false), c.number("cffn_ratio", 0.25),
                    attn.equals("deform"), c.bool("interaction_proj", true), !"none".equals(c.string("norm_layer", "")));
        }
    }

    private Interactions() {
    }

    static long unitParams(long da, long db, Options o) {
        long p = o.withProj ? Tally.linearParams(db, da, true) + Tally.linearParams(da, db, true) : 0;
        return p + injectorParams(da, o.withProj ? da : db, o) + injectorParams(db, o.withProj ? db : da, o);
    }

    private static long injectorParams(long d, long df, Options o) {
        long p = o.normLayer ? 2 * d + 2 * df : 0;
        if (o.deform) {
            long hp = (long) o.heads * o.points;
            long dv = (long) (d * o.deformRatio);
            p += Tally.linearParams(d, hp * 2, true) + Tally.linearParams(d, hp, true)
                    + Tally.linearParams(df, dv, true) + Tally.linearParams(dv, d, true);
        } else {
            p += d * d + 2 * df * d + Tally.linearParams(d, d, true);
        }
        p += d; // ca_gamma
        if (o.withCffn) {
            long h = (long) (d * o.cffnRatio);
            p += d + Tally.linearParams(d, h, true) + Tally.convParams(h, h, 3, (int) h, true)
                    + Tally.linearParams(h, d, true) + (o.normLayer ? 2 * d : 0); // cffn_gamma, ffn, ffn_norm
        }
        return p;
    }

    /** One unit's forward: branch a has na tokens on an ha×wa grid, branch b nb on hb×wb. */
    static void unit(Tally t, String g, long da, long ha, long wa, long db, long hb, long wb, Options o) {
        long na = ha * wa;
        long nb = hb * wb;
        if (o.withProj) {
            t.linear(g, na, da, db, true, true);
            t.linear(g, nb, db, da, true, true);
        }
        injector(t, g, da, ha, wa, o.withProj ? da : db, nb, o);
        injector(t, g, db, hb, wb, o.withProj ? db : da, na, o);
    }

    private static void injector(Tally t, String g, long d, long h, long w, long df, long nf, Options o) {
        long nq = h * w;
        if (o.normLayer) {
            t.norm(g, nq * d, true, true);
            t.norm(g, nf * df, true, true);
        }
        if (o.deform) {
            long hp = (long) o.heads * o.points;
            long dv = (long) (d * o.deformRatio);
            t.linear(g, nq, d, hp * 2, true, true); // sampling offsets
            t.linear(g, nq, d, hp, true, true); // attention weights
            t.softmax(g, nq * hp);
            t.linear(g, nf, df, dv, true, true); // value projection
            t.actual(g, (long) Tally.DEFORM_SAMPLE_OPS * nq * o.points * dv); // bilinear sampling, weighting
            t.linear(g, nq, dv, d, true, true); // output projection
        } else {
            t.linear(g, nq, d, d, false, true);
            t.linear(g, nf, df, d, false, true);
            t.linear(g, nf, df, d, false, true);
            t.actual(g, 2 * nq * nf * d);
            t.softmax(g, (long) o.heads * nq * nf);
            t.elementwise(g, nq * d);
            t.linear(g, nq, d, d, true, true);
        }
        t.elementwise(g, 2 * nq * d); // query + ca_gamma · attn
        if (o.withCffn) {
            long hd = (long) (d * o.cffnRatio);
            if (o.normLayer) {
                t.norm(g, nq * d, true, true);
            }
            t.linear(g, nq, d, hd, true, true);
            t.conv(g, h, w, hd, hd, 3, (int) hd, true);
            t.gelu(g, nq * hd);
            t.linear(g, nq, hd, d, true, true);
            t.elementwise(g, 2 * nq * d);
        }
    }

    /** The scripts' analytic term for one unit: 5·h·w·K·dim per deformable direction (K = 4), 2·N_q·N_kv·dim plain. */
    static long analytic(long fa, long da, long fb, long db, boolean deform) {
        if (deform) {
            return 5 * fb * fb * 4 * db + 5 * fa * fa * 4 * da;
        }
        return 2 * fb * fb * fa * fa * db + 2 * fa * fa * fb * fb * da;
    }
}
