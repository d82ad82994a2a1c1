package io.procpool.internal.worker;

import io.procpool.Consumer;
import java.lang.reflect.InvocationTargetException;

/** Makes the configured consumer class into an instance, with an error that says what to fix. The worker's main thread. */
final class ConsumerLoader {

    private ConsumerLoader() {}

    /** The consumer class could not be turned into an instance. */
    static final class LoadException extends Exception {
        LoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static Consumer load(String className) throws LoadException {
        Class<?> type;
        try {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new LoadException(
                    "consumer class " + className + " was not found on the worker's "
                            + "classpath; check `consumer` and `classpath` in the configuration",
                    e);
        }
        if (!Consumer.class.isAssignableFrom(type)) {
            throw new LoadException("consumer class " + className + " does not implement io.procpool.Consumer", null);
        }
        try {
            return (Consumer) type.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new LoadException("consumer class " + className + " needs a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new LoadException("the constructor of consumer class " + className + " threw", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new LoadException("cannot construct consumer class " + className + ": " + e, e);
        }
    }
}
