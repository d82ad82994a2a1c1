package io.procpool.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * An output stream that writes each complete line to {@code target} with a tag in front
 * ({@code [manager] }), one write per line so that lines of the manager and of its workers
 * never interleave mid-line. Thread-safe.
 */
public final class LineTaggingStream extends OutputStream {

    private final PrintStream target;
    private final byte[] tag;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    public LineTaggingStream(PrintStream target, String tag) {
        this.target = target;
        this.tag = tag.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A print stream over this stream, with autoflush so each line leaves at once. */
    public static PrintStream printStream(PrintStream target, String tag) {
        return new PrintStream(new LineTaggingStream(target, tag), true, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }

    private void emit() {
        byte[] out = new byte[tag.length + line.size()];
        System.arraycopy(tag, 0, out, 0, tag.length);
        System.arraycopy(line.toByteArray(), 0, out, tag.length, line.size());
        line.reset();
        synchronized (target) {
            target.write(out, 0, out.length);
            target.flush();
        }
    }
}
