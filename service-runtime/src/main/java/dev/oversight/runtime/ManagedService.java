package dev.oversight.runtime;

import io.vertx.ext.web.Router;

/**
 * One Oversight service (ingest, policy-stream, rollback-worker) as its main or the launcher runs it: started
 * once, asked whether it is ready, and closed. A service that serves HTTP routes of its own mounts them on the
 * shared router; /metrics and /health are served for all of them.
 */
public interface ManagedService extends AutoCloseable {

    String name();

    void start() throws Exception;

    Readiness readiness();

    /** The service's own routes, next to /metrics and /health. Most services have none. */
    default void mount(Router router) {}

    /** Stops taking work, finishes what is in flight, releases everything. */
    @Override
    void close();

    /** Whether a service can do its work now, and a word on why not. */
    record Readiness(boolean ready, String detail) {

        public static Readiness ready(String detail) {
            return new Readiness(true, detail);
        }

        public static Readiness notReady(String detail) {
            return new Readiness(false, detail);
        }
    }
}
