package io.piip4j.llava.chat;

import io.piip4j.llava.LlavaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A prompt's token ids with the image placeholder, as the release's {@code tokenizer_image_token}:
 * each piece between {@code <image>} marks is tokenized on its own (with special tokens); the
 * first piece keeps its leading BOS, every later piece loses it, and the placeholder id
 * {@value LlavaModel#IMAGE_TOKEN_INDEX} goes between the pieces.
 */
public final class PromptIds {
    private PromptIds() {
    }

    public static long[] of(String prompt, TextTokenizer tokenizer, long bosId) {
        String[] pieces = prompt.split(java.util.regex.Pattern.quote(Conversation.IMAGE), -1);
        List<long[]> tokenized = new ArrayList<>();
        for (String p : pieces) {
            tokenized.add(tokenizer.encode(p, true));
        }
        List<Long> out = new ArrayList<>();
        int offset = 0;
        long[] first = tokenized.get(0);
        if (first.length > 0 && first[0] == bosId) {
            offset = 1;
            out.add(bosId);
        }
        for (int i = 0; i < tokenized.size(); i++) {
            if (i > 0) {
                out.add(LlavaModel.IMAGE_TOKEN_INDEX);
            }
            long[] t = tokenized.get(i);
            for (int k = offset; k < t.length; k++) {
                out.add(t[k]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
