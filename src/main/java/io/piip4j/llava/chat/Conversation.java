package io.piip4j.llava.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA-1.5's {@code vicuna_v1} conversation template: the system line, then
 * {@code USER: …} and {@code ASSISTANT: …} turns separated by a space after a user turn and
 * {@code </s>} after an assistant turn; the first user turn starts with the image placeholder
 * {@code <image>} on its own line. The prompt ends with {@code ASSISTANT:} for the model to continue.
 */
public final class Conversation {
    public static final String SYSTEM = "A chat between a curious user and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the user's questions.";
    public static final String IMAGE = "<image>";
    private static final String USER = "USER";
    private static final String ASSISTANT = "ASSISTANT";

    private record Turn(String user, String assistant) {
    }

    private final List<Turn> turns = new ArrayList<>();

    /** Forgets every turn (a new image starts a new conversation). */
    public void clear() {
        turns.clear();
    }

    /** Adds a user message (the answer pending); the first carries the image. */
    public void ask(String question) {
        if (!turns.isEmpty() && turns.get(turns.size() - 1).assistant() == null) {
            throw new IllegalStateException("the previous question has no answer yet");
        }
        turns.add(new Turn(turns.isEmpty() ? IMAGE + "\n" + question : question, null));
    }

    /** Records the model's answer to the pending question. */
    public void answer(String text) {
        int last = turns.size() - 1;
        if (last < 0 || turns.get(last).assistant() != null) {
            throw new IllegalStateException("no question is waiting for an answer");
        }
        turns.set(last, new Turn(turns.get(last).user(), text));
    }

    /** The whole prompt so far, ending with {@code ASSISTANT:} when a question is pending. */
    public String prompt() {
        StringBuilder b = new StringBuilder(SYSTEM).append(' ');
        for (Turn t : turns) {
            b.append(USER).append(": ").append(t.user()).append(' ');
            if (t.assistant() == null) {
                b.append(ASSISTANT).append(':');
            } else {
                b.append(ASSISTANT).append(": ").append(t.assistant()).append("</s>");
            }
        }
        return b.toString();
    }
}
