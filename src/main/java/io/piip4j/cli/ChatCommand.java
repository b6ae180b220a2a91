package io.piip4j.cli;

import io.piip4j.llava.LlavaCheckpoint;
import io.piip4j.llava.chat.Answer;
import io.piip4j.llava.chat.HfTokenizer;
import io.piip4j.llava.chat.LlavaChat;
import io.piip4j.llava.chat.TextTokenizer;
import io.piip4j.llava.generate.GenerationConfig;
import io.piip4j.image.ImageNetTransform;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip chat}: questions about an image to a PIIP-LLaVA model, answers streamed. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        header = "Ask a PIIP-LLaVA model about an image.",
        description = {"Loads a PIIP-LLaVA checkpoint folder (Hugging Face layout with tokenizer.json, or a golden case folder),"
                + " preprocesses the image as the release does and streams the answer; time to first token and tokens/s go to stderr.",
            "With a question, answers it and exits; without one, reads questions line by line from stdin and keeps the conversation"
                + " (an empty line or end of input ends it).",
            "A folder without a tokenizer (the golden fixtures) uses its fixed prompt token ids and prints token ids."},
        footer = {"", "Examples:", "  piip chat --model ../shared/golden/llava_e2e_tiny --image ../shared/images/<photo>.jpg \"What is in the picture?\"",
            "  piip chat --model llava-piip-7b --image photo.jpg --max-tokens 256 --temperature 0.2"})
final class ChatCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "PIIP-LLaVA checkpoint folder.")
    Path model;

    @Option(names = "--image", required = true, description = "The image (JPEG, PNG, BMP, GIF).")
    Path image;

    @Parameters(arity = "0..1", description = "The question; leave out for an interactive conversation.")
    String question;

    @Option(names = "--tokenizer", description = "tokenizer.json to use instead of the folder's.")
    Path tokenizer;

    @Option(names = "--max-tokens", defaultValue = "512", description = "Most tokens per answer. Default ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 answers greedily; above 0 samples. Default ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling mass (with --temperature > 0). Default ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampler. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dtype", defaultValue = "bf16",
            description = "bf16 keeps the decoder's half-precision weights in bfloat16 (float16 ones rounded to it); fp32 widens them. Default ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--threads", description = "Engine threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (!dtype.equals("fp32") && !dtype.equals("bf16")) {
            throw new UsageException("--dtype must be fp32 or bf16, got '" + dtype + "'");
        }
        if (threads != null) {
            io.piip4j.tensor.Inference.setThreads(threads);
        }
        GenerationConfig gen;
        try {
            gen = new GenerationConfig(maxTokens, temperature, topP, new long[0], seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        var bufferedImage = ImageNetTransform.read(image);
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(model, dtype.equals("bf16"), shard -> System.err.println("loaded " + shard))) {
            Path tok = tokenizer != null ? tokenizer : ckpt.tokenizer();
            TextTokenizer text = tok == null ? null : HfTokenizer.open(tok);
            try (LlavaChat chat = new LlavaChat(ckpt, text)) {
                if (!chat.hasTokenizer()) {
                    System.err.println("piip: note: " + model + " has no tokenizer: the prompt is its fixed token ids (the question is not read)"
                            + " and the answer is token ids");
                }
                long t0 = System.nanoTime();
                chat.setImage(bufferedImage);
                System.err.printf(Locale.ROOT, "piip: image through the vision tower and projector in %.3f s%n", (System.nanoTime() - t0) / 1e9);
                if (question != null) {
                    answer(chat, question, gen, out);
                    return 0;
                }
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (true) {
                    System.err.print("USER: ");
                    String line = in.readLine();
                    if (line == null || line.isBlank()) {
                        return 0;
                    }
                    out.print("ASSISTANT: ");
                    answer(chat, line, gen, out);
                }
            }
        }
    }

    private static void answer(LlavaChat chat, String q, GenerationConfig gen, PrintStream out) {
        Answer a = chat.ask(q, gen, t -> out.print(t.text()));
        out.println();
        System.err.printf(Locale.ROOT, "piip: %d prompt tokens; time to first token %.3f s; %d tokens, %.2f tokens/s after the first%n",
                a.promptTokens(), a.timeToFirstTokenSeconds(), a.ids().length, a.tokensPerSecond());
    }
}
