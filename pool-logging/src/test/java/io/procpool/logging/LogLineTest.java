package io.procpool.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The two forms of a log line: text with the date, and one JSON object with MDC and the error. */
class LogLineTest {

    @Test
    void aJsonLineIsOneObjectWithTheMdcAndTheStackTrace() throws Exception {
        System.setProperty("procpool.log.pool", "shop");
        System.setProperty("procpool.log.group", "orders");
        System.setProperty("procpool.slot", "3");
        try {
            String line = LogLine.json(
                    Instant.parse("2026-12-03T06:45:04.222Z"),
                    Level.WARN,
                    "com.acme.OrderConsumer",
                    "delivery",
                    "said \"no\"\tand\nleft \u0001",
                    Map.of("order", "42", "tenant", "acme"),
                    new IllegalStateException("boom"));
            assertFalse(line.contains("\n"), "one line: " + line);
            JsonNode node = new ObjectMapper().readTree(line);
            assertEquals("2026-12-03T06:45:04.222Z", node.path("time").asText());
            assertEquals("WARN", node.path("level").asText());
            assertEquals("shop", node.path("pool").asText());
            assertEquals("orders", node.path("group").asText());
            assertEquals(3, node.path("slot").asInt());
            assertEquals(ProcessHandle.current().pid(), node.path("pid").asLong());
            assertEquals("com.acme.OrderConsumer", node.path("logger").asText());
            assertEquals("said \"no\"\tand\nleft \u0001", node.path("message").asText());
            assertEquals("42", node.path("mdc").path("order").asText());
            assertTrue(node.path("error").asText().startsWith("java.lang.IllegalStateException: boom\n\tat "));
        } finally {
            System.clearProperty("procpool.log.pool");
            System.clearProperty("procpool.log.group");
            System.clearProperty("procpool.slot");
        }
    }

    @Test
    void theManagersLinesHaveANullSlotAndNoMdcWithoutOne() throws Exception {
        String line = LogLine.json(Instant.EPOCH, Level.INFO, "x", "main", "hi", Map.of(), null);
        JsonNode node = new ObjectMapper().readTree(line);
        assertTrue(node.path("slot").isNull());
        assertFalse(node.has("mdc"));
        assertFalse(node.has("error"));
    }

    @Test
    void aTextLineCarriesTheDateAndTheStackTraceFollows() {
        String line = LogLine.text(
                LocalDateTime.parse("2026-12-03T06:45:04.222"), Level.ERROR, "failed", new RuntimeException("x"));
        String[] lines = line.split(System.lineSeparator());
        assertEquals("2026-12-03 06:45:04.222 ERROR failed", lines[0]);
        assertEquals("java.lang.RuntimeException: x", lines[1]);
        assertTrue(lines[2].startsWith("\tat "));
    }
}
