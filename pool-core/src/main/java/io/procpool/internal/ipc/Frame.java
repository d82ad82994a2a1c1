package io.procpool.internal.ipc;

/** One unit on an IPC channel: a type and its payload bytes. Immutable. */
public record Frame(FrameType type, byte[] payload) {

    public static Frame of(FrameType type) {
        return new Frame(type, new byte[0]);
    }
}
