package io.procpool.internal.ipc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The wire's building blocks, shared by every payload: big-endian numbers, and one encoding of text, a
 * u16 length and standard UTF-8 (strings are cut to 8,000 chars first, so they always fit). Decoding a
 * payload that is short or garbled fails with an {@link IpcProtocolException}. Stateless; any thread.
 */
final class Wire {

    private Wire() {}

    /** Errors, ids and settings are cut well below the u16 length of a string on the wire. */
    static String truncate(String s) {
        return s.length() > 8_000 ? s.substring(0, 8_000) + "…" : s;
    }

    /** UTF-8 of a string cut to 8,000 chars: at most 24,000 bytes, within a u16 length. */
    static byte[] utf8(String s) {
        return truncate(s).getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes {@link #putString} takes for {@code utf8}. */
    static int size(byte[] utf8) {
        return 2 + utf8.length;
    }

    static void putString(ByteBuffer out, byte[] utf8) {
        out.putShort((short) utf8.length);
        out.put(utf8);
    }

    static String getString(ByteBuffer in) {
        byte[] b = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A map of strings as a count and its keys and values: its size on the wire. */
    static int mapSize(Map<String, String> map) {
        int n = 4;
        for (var e : map.entrySet()) {
            n += size(utf8(e.getKey())) + size(utf8(e.getValue()));
        }
        return n;
    }

    static void putMap(ByteBuffer out, Map<String, String> map) {
        out.putInt(map.size());
        for (var e : map.entrySet()) {
            putString(out, utf8(e.getKey()));
            putString(out, utf8(e.getValue()));
        }
    }

    static Map<String, String> getMap(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining() / 4) {
            throw new IpcProtocolException("a map of " + n + " entries in " + in.remaining() + " bytes");
        }
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(getString(in), getString(in));
        }
        return map;
    }

    /** Reads {@code b} with {@code reader}; a payload too short or garbled for it is a protocol error naming {@code what}. */
    static <T> T read(byte[] b, String what, Function<ByteBuffer, T> reader) {
        try {
            return reader.apply(ByteBuffer.wrap(b));
        } catch (IpcProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IpcProtocolException("truncated or corrupt " + what + " payload: " + e);
        }
    }
}
