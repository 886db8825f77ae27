package dev.oversight.ingest.http;

/**
 * A request refused before anything was written: the status to answer, the cause it is counted under (a bounded
 * metric tag) and a message that names the problem.
 */
public final class Rejection extends RuntimeException {

    private final int status;
    private final String cause;

    public Rejection(int status, String cause, String message) {
        super(message, null, false, false);
        this.status = status;
        this.cause = cause;
    }

    public static Rejection missingHeader(String name) {
        return new Rejection(400, "missing_header", "missing header " + name);
    }

    /** 401: a missing or wrong signature or token. {@code cause} is {@code signature} or {@code token}. */
    public static Rejection unauthorized(String cause, String message) {
        return new Rejection(401, cause, message);
    }

    public int status() {
        return status;
    }

    public String cause() {
        return cause;
    }
}
