package io.procpool.internal.ipc;

/** The peer sent bytes that are not a valid frame; the connection cannot continue. */
public final class IpcProtocolException extends RuntimeException {
    public IpcProtocolException(String message) {
        super(message);
    }
}
