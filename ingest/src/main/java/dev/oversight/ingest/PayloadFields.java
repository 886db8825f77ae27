package dev.oversight.ingest;

import java.util.HashMap;
import java.util.Map;

/**
 * The parts of a JSON body a normalizer reads, as dotted paths ({@code pull_request.head.sha}; {@code *} stands for
 * every element of an array: {@code commits.*.id}). {@link PayloadReader#parse(byte[], String, PayloadFields)} builds
 * only these into the tree it returns and passes over the rest of the body, checked as strictly as a whole tree would
 * be. A path's last part keeps its value whole, whatever it holds; where a body holds something other than an object
 * (or an array, for {@code *}) on the way to a path's end, that value is kept whole too, so the normalizer meets it
 * exactly as it would in the whole tree.
 */
public final class PayloadFields {

    /** No field: the body is checked and its root object read as empty. */
    public static final PayloadFields NONE = new PayloadFields(false);

    private final Map<String, PayloadFields> children = new HashMap<>();
    private PayloadFields elements;
    private boolean whole;

    private PayloadFields(boolean whole) {
        this.whole = whole;
    }

    public static PayloadFields of(String... paths) {
        PayloadFields root = new PayloadFields(false);
        for (String path : paths) {
            PayloadFields node = root;
            for (String part : path.split("\\.")) {
                if (node.whole) {
                    break;
                }
                if (part.equals("*")) {
                    if (node.elements == null) {
                        node.elements = new PayloadFields(false);
                    }
                    node = node.elements;
                } else {
                    node = node.children.computeIfAbsent(part, p -> new PayloadFields(false));
                }
            }
            node.keepWhole();
        }
        return root;
    }

    private void keepWhole() {
        whole = true;
        children.clear();
        elements = null;
    }

    /** Whether the value here is kept as it is, all of it. */
    boolean whole() {
        return whole;
    }

    /** What is kept of the value of a field of an object here; null when the field is passed over. */
    PayloadFields field(String name) {
        return children.get(name);
    }

    /** What is kept of each element of an array here; null when the elements are passed over. */
    PayloadFields elements() {
        return elements;
    }
}
