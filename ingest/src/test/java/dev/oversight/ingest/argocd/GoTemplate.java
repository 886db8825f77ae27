package dev.oversight.ingest.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Go's text/template that the Argo CD recipe uses: field references such as
 * {@code {{.app.metadata.name}}} on the map Argo CD renders from. A missing last field prints {@code <no value>} as Go
 * does with maps; a missing field on the way, a field that is not a scalar, or any other action (functions,
 * pipelines, conditionals) fails, so a template this renderer does not understand can never pass for rendered.
 */
final class GoTemplate {

    private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
    private static final Pattern FIELD_CHAIN = Pattern.compile("(\\.[A-Za-z_][A-Za-z0-9_]*)+");

    private GoTemplate() {}

    static String render(String template, JsonNode data) {
        Matcher action = ACTION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (action.find()) {
            String expression = action.group(1).trim();
            if (!FIELD_CHAIN.matcher(expression).matches()) {
                throw new IllegalArgumentException("template action {{" + action.group(1) + "}} is not a field reference");
            }
            action.appendReplacement(out, Matcher.quoteReplacement(field(data, expression)));
        }
        action.appendTail(out);
        return out.toString();
    }

    private static String field(JsonNode data, String chain) {
        String[] names = chain.substring(1).split("\\.");
        JsonNode node = data;
        for (int i = 0; i < names.length; i++) {
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("nil pointer evaluating " + chain + " at ." + names[i]);
            }
            node = node.get(names[i]);
        }
        if (node == null || node.isNull()) {
            return "<no value>";
        }
        if (!node.isValueNode()) {
            throw new IllegalArgumentException(chain + " is not a scalar");
        }
        return node.asText();
    }
}
