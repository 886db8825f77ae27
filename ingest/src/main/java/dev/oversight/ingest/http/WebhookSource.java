package dev.oversight.ingest.http;

import dev.oversight.events.Source;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.Set;

/**
 * What is particular to one source (GitHub, GitLab, Jenkins, CloudEvents): its route, the content types it sends,
 * how its requests are authenticated and how they are read. Everything else — the order of the checks, the answers,
 * deduplication, the transaction and the metrics — is the same for every source ({@link WebhookRoute},
 * {@link DeliveryAcceptor}).
 */
public interface WebhookSource {

    Source source();

    /** The route, such as {@code /webhooks/github}. */
    String path();

    /** The media types accepted (lower case, without parameters); any other is answered 415. */
    Set<String> mediaTypes();

    /** The request's event type as a metric tag, from its headers; null when they do not say. */
    String eventTag(HttpServerRequest request);

    /**
     * Checks the request's signature or token.
     *
     * @throws Rejection 401 when it is missing or wrong
     */
    void authenticate(HttpServerRequest request, byte[] body);

    /**
     * Reads and normalizes an authenticated request.
     *
     * @throws Rejection                                   for a missing header or an unusable request
     * @throws dev.oversight.ingest.MalformedPayloadException for a body that cannot be read
     */
    Intake read(HttpServerRequest request, String mediaType, byte[] body, Instant receivedAt);
}
