package io.procpool.redis;

import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessages;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code source.max_length} of a stream: when the stream holds more entries than that, trims those
 * its group is done with (XTRIM MINID ~, approximate: whole macro nodes), and never one that is not
 * yet delivered or not yet acked. The bound is the oldest entry pending in the group or the newest
 * this worker read as new, whichever is older: the group delivers new entries in id order, so every
 * entry before it was delivered, and no longer pending, so acked (or dead-lettered). A backlog can
 * therefore exceed max_length; nothing is trimmed unread. At most once a second. Read thread only.
 */
final class StreamTrim {

    private static final long EVERY_NS = 1_000_000_000L;

    private final RedisSettings s;
    private final AtomicLong trimmed = new AtomicLong();
    private String newestRead;
    private long nextAt;

    StreamTrim(RedisSettings s) {
        this.s = s;
    }

    /** The last entry of a read of new entries (XREADGROUP {@code >}). */
    void readUpTo(String id) {
        newestRead = id;
    }

    void maybeTrim(RedisCommands<String, ?> r) {
        if (s.maxLength() == 0 || newestRead == null || System.nanoTime() < nextAt) {
            return;
        }
        nextAt = System.nanoTime() + EVERY_NS;
        if (r.xlen(s.key()) <= s.maxLength()) {
            return;
        }
        String bound = newestRead;
        PendingMessages pending = r.xpending(s.key(), s.group());
        if (pending.getCount() > 0 && older(pending.getMessageIds().getLower().getValue(), bound)) {
            bound = pending.getMessageIds().getLower().getValue();
        }
        trimmed.addAndGet(r.xtrim(s.key(), XTrimArgs.Builder.minId(bound).approximateTrimming()));
    }

    long trimmed() {
        return trimmed.get();
    }

    /** Stream ids ({@code <ms>-<seq>}) in order. */
    static boolean older(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int byMs = Long.compareUnsigned(
                Long.parseUnsignedLong(a.substring(0, da)), Long.parseUnsignedLong(b.substring(0, db)));
        if (byMs != 0) {
            return byMs < 0;
        }
        return Long.compareUnsigned(
                        Long.parseUnsignedLong(a.substring(da + 1)), Long.parseUnsignedLong(b.substring(db + 1)))
                < 0;
    }
}
