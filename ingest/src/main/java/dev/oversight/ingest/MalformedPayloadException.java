package dev.oversight.ingest;

/** A body that parses but lacks what its event type must carry; answered 400 with the message. */
public final class MalformedPayloadException extends RuntimeException {

    public MalformedPayloadException(String message) {
        super(message);
    }
}
