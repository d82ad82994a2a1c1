package io.procpool.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One entry of a Redis list as the list source stores it. A producer pushes a plain body; a message
 * that failed, or that its worker died with, goes back wrapped in a header that carries its failure
 * count and its id, so that each message keeps its own count however many messages share its body
 * (a count kept by body in a hash was shared by equal bodies, and one's success erased the other's).
 * The header: {@code \0pp1\0<failures>:<id>\n}, then the body. Immutable.
 *
 * @param raw the bytes as they are in Redis (what LREM must name to remove this entry)
 * @param body what the consumer gets
 * @param failures failed deliveries so far (0 for a plain body)
 * @param id the message's id once it has one in its header, else null
 */
record ListEntry(byte[] raw, byte[] body, int failures, String id) {

    private static final byte[] MAGIC = {0, 'p', 'p', '1', 0};

    /** Reads an entry as it came from Redis; a body that merely looks like a header is taken as a plain body. */
    static ListEntry of(byte[] raw) {
        if (!startsWithMagic(raw)) {
            return new ListEntry(raw, raw, 0, null);
        }
        int newline = -1;
        for (int i = MAGIC.length; i < raw.length; i++) {
            if (raw[i] == '\n') {
                newline = i;
                break;
            }
        }
        if (newline < 0) {
            return new ListEntry(raw, raw, 0, null);
        }
        String header = new String(raw, MAGIC.length, newline - MAGIC.length, StandardCharsets.US_ASCII);
        int colon = header.indexOf(':');
        try {
            int failures = Integer.parseInt(header.substring(0, colon));
            return new ListEntry(
                    raw, Arrays.copyOfRange(raw, newline + 1, raw.length), failures, header.substring(colon + 1));
        } catch (RuntimeException e) {
            return new ListEntry(raw, raw, 0, null);
        }
    }

    /** This message wrapped with {@code failures} and {@code id}: what goes back to Redis after a failure. */
    static ListEntry wrapped(byte[] body, int failures, String id) {
        byte[] header = (failures + ":" + id + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[MAGIC.length + header.length + body.length];
        System.arraycopy(MAGIC, 0, raw, 0, MAGIC.length);
        System.arraycopy(header, 0, raw, MAGIC.length, header.length);
        System.arraycopy(body, 0, raw, MAGIC.length + header.length, body.length);
        return new ListEntry(raw, body, failures, id);
    }

    private static boolean startsWithMagic(byte[] raw) {
        if (raw.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (raw[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
