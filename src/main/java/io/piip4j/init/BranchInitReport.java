package io.piip4j.init;

import java.util.List;

/** Everything the loader did to one branch, key by key, with a one-line summary. */
public record BranchInitReport(String branch, String source, LoaderPath path, List<KeyStatus> keys) {

    public List<String> keysWith(String status) {
        return keys.stream().filter(k -> k.status().equals(status)).map(KeyStatus::key).toList();
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(branch).append(" ← ").append(source).append(" (").append(path.name().toLowerCase()).append("): ");
        String[] kinds = {"copied", "resized", "skipped", "unexpected", "mismatched", "missing"};
        boolean first = true;
        for (String k : kinds) {
            List<String> ks = keysWith(k);
            if (ks.isEmpty()) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(ks.size()).append(' ').append(k);
            if (!k.equals("copied")) {
                sb.append(" [").append(String.join(" ", ks.subList(0, Math.min(4, ks.size()))));
                sb.append(ks.size() > 4 ? " …]" : "]");
            }
        }
        return sb.toString();
    }
}
