package io.procpool.internal.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stored messages as JSON-ready rows for {@code pool queue peek}: the body as text and as base64. Stateless. */
public final class QueueRows {

    private QueueRows() {}

    public static List<Map<String, Object>> of(List<StoredMessage> messages) {
        List<Map<String, Object>> rows = new ArrayList<>(messages.size());
        for (StoredMessage m : messages) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", m.id());
            row.put("failures", m.failures());
            row.put("body", new String(m.body(), StandardCharsets.UTF_8));
            row.put("body_base64", Base64.getEncoder().encodeToString(m.body()));
            if (m.deliverAtMs() > 0) {
                row.put("deliver_at_ms", m.deliverAtMs());
            }
            if (m.lastError() != null) {
                row.put("last_error", m.lastError());
            }
            rows.add(row);
        }
        return rows;
    }
}
