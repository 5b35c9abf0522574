package dev.offstage.local.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAM's {@code Globals} merge rules for one resource: the resource's own value wins for scalars,
 * maps merge key by key (recursively, so {@code Environment.Variables} merge per variable), and
 * lists concatenate with the global entries first. A value that is an intrinsic function counts as
 * a scalar: the resource's {@code !If} replaces the global map rather than merging into it.
 */
final class Globals {

    private Globals() {}

    static Map<String, Object> merge(Map<String, Object> global, Map<String, Object> own) {
        if (global.isEmpty()) {
            return own;
        }
        var merged = new LinkedHashMap<String, Object>(global);
        own.forEach((key, value) -> merged.merge(key, value, Globals::mergeValue));
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static Object mergeValue(Object global, Object own) {
        if (global instanceof Map<?, ?> globalMap && own instanceof Map<?, ?> ownMap
                && !Intrinsics.isCall(globalMap) && !Intrinsics.isCall(ownMap)) {
            return merge((Map<String, Object>) globalMap, (Map<String, Object>) ownMap);
        }
        if (global instanceof List<?> globalList && own instanceof List<?> ownList) {
            var joined = new ArrayList<Object>(globalList);
            joined.addAll(ownList);
            return joined;
        }
        return own;
    }
}
