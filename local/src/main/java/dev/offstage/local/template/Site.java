package dev.offstage.local.template;

/**
 * Where a value sits in the template, so that a problem names it: the resource (with its type)
 * or section, and the property path inside it.
 *
 * @param owner e.g. {@code ApiFunction (AWS::Serverless::Function)}, {@code Conditions},
 *     {@code Globals.Function}, {@code parameter Stage}
 * @param path the property path, e.g. {@code Environment.Variables.TABLE}; empty at the owner's top
 */
record Site(String owner, String path) {

    static Site resource(String logicalId, String type) {
        return new Site(logicalId + " (" + type + ")", "");
    }

    static Site section(String name) {
        return new Site(name, "");
    }

    Site child(String key) {
        return new Site(owner, path.isEmpty() ? key : path + "." + key);
    }

    Site index(int index) {
        return new Site(owner, path + "[" + index + "]");
    }

    /** A problem at this site: {@code "ApiFunction (AWS::Serverless::Function), property Timeout: <problem>"}. */
    TemplateException problem(String problem) {
        return new TemplateException(describe() + ": " + problem);
    }

    String describe() {
        return path.isEmpty() ? owner : owner + ", property " + path;
    }

    @Override
    public String toString() {
        return describe();
    }
}
