package dev.offstage.posts.api;

import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.http.ApiRequest;

/** Query parameters as the post APIs read them: a bad one is a 400 naming it and its range. */
final class Parameters {

    private Parameters() {}

    static int integer(ApiRequest request, String name, int fallback, int min, int max) {
        var text = request.queryParameter(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            var value = Integer.parseInt(text.get().strip());
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_parameter", name + " must be a whole number from " + min + " to " + max);
        }
    }
}
