package io.piip4j.bench;

import io.piip4j.nn.*;
import io.piip4j.tensor.Inference;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

public final class Micro {
    static void time(String name, Supplier<Tensor> f) {
        Inference.run(() -> { f.get(); return 0; });
        long t0 = System.nanoTime();
        int n = 10;
        for (int i = 0; i < n; i++) Inference.run(() -> { f.get().sum().item_float(); return 0; });
        System.out.printf("%-30s %8.2f ms%n", name, (System.nanoTime() - t0) / 1e6 / n);
    }
    public static void main(String[] a) {
        if (a.length > 0) torch.set_num_threads(Integer.parseInt(a[0]));
        Linear lin = new Linear(192, 576); RandomWeights.fill(lin, 0);
        Tensor x = torch.randn(1, 530, 192);
        time("linear 530x192->576", () -> lin.forward(x));
        Attention att = new Attention(192, 3, true, null, 1e-6); RandomWeights.fill(att, 0);
        time("attention 530x192", () -> att.forward(x));
        Mlp mlp = new Mlp(192, 768); RandomWeights.fill(mlp, 0);
        time("mlp 530x192", () -> mlp.forward(x));
        LayerNorm ln = new LayerNorm(192, 1e-6); RandomWeights.fill(ln, 0);
        time("layernorm", () -> ln.forward(x));
        Tensor x1 = torch.randn(1, 64, 768);
        Linear big = new Linear(768, 2304); RandomWeights.fill(big, 0);
        time("linear 64x768->2304", () -> big.forward(x1));
        MSDeformAttn da = new MSDeformAttn(192, 12, 4, 0.5, 192); RandomWeights.fill(da, 0);
        Tensor ref = torch.rand(1, 529, 1, 2);
        Tensor feat = torch.randn(1, 144, 192);
        time("deform 529q <- 12x12", () -> da.forward(x.narrow(1, 1, 529), ref, feat, 12, 12));
        ConvFFN ffn = new ConvFFN(192, 48); RandomWeights.fill(ffn, 0);
        time("convffn 23x23", () -> ffn.forward(x.narrow(1, 1, 529), 23, 23));
        Tensor q = torch.randn(1, 3, 530, 64);
        time("sdpa raw", () -> torch.scaled_dot_product_attention(q, q, q));
        Tensor m = torch.randn(768, 768);
        time("matmul 768", () -> torch.matmul(m, m));
    }
}
