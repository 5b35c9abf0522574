package dev.offstage.local.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What CloudFormation checks before it creates anything: every {@code Ref}, {@code Fn::GetAtt},
 * {@code Fn::Sub} variable, condition, mapping and {@code DependsOn} names something the template
 * declares, conditions refer to no resources, and resources do not depend on each other in a
 * circle. Checked on the whole template — untaken {@code Fn::If} branches and {@code Outputs}
 * too — so a mistake shows locally even where this run would not evaluate it.
 *
 * <p>Dependencies include those SAM adds: a bucket depends on the functions its S3 events notify,
 * and an HTTP API on the functions it routes to. So a function whose environment refers to the
 * bucket that triggers it is the circular dependency it is in AWS.
 */
final class ReferenceCheck {

    private final TemplateDocument template;
    private final Set<String> parameters;
    private final Set<String> resources;
    private final List<String> problems = new ArrayList<>();
    /** resource → resource it depends on → why, in words. */
    private final Map<String, Map<String, String>> dependencies = new LinkedHashMap<>();

    private ReferenceCheck(TemplateDocument template, Set<String> resources) {
        this.template = template;
        this.parameters = template.parameters().keySet();
        this.resources = resources;
    }

    /**
     * @param resources the logical ids of declared and implicit resources
     * @throws TemplateException listing every dangling reference and every dependency cycle
     */
    static void check(TemplateDocument template, Set<String> resources) {
        var check = new ReferenceCheck(template, resources);
        check.run();
        if (!check.problems.isEmpty()) {
            throw new TemplateException(null, check.problems);
        }
    }

    private void run() {
        template.conditions().forEach((name, definition) -> walk(definition, Site.section("condition " + name), null, true));
        template.globals().forEach((name, section) -> walk(section, Site.section("Globals." + name), null, false));
        for (var resource : template.resources().values()) {
            var id = resource.logicalId();
            dependencies.put(id, new LinkedHashMap<>());
            resource.condition().ifPresent(condition -> requireCondition(condition, resource.site().child("Condition")));
            for (var target : resource.dependsOn()) {
                if (!resources.contains(target)) {
                    problems.add(resource.site().child("DependsOn").describe() + ": DependsOn " + target
                            + " refers to nothing: no resource is named '" + target + "'");
                } else {
                    dependencies.get(id).putIfAbsent(target, id + " DependsOn " + target);
                }
            }
            // Own properties report where a mistake is written; merged ones (Globals applied) say
            // what the resource depends on once deployed.
            resource.ownProperties().forEach((key, value) -> walk(value, resource.site().child(key), null, false));
            resource.properties().forEach((key, value) -> {
                if (!(resource.type().equals(StackResources.FUNCTION) && key.equals("Events"))) {
                    collectDependencies(value, resource.site().child(key), id);
                }
            });
            if (resource.type().equals(StackResources.FUNCTION)) {
                addEventDependencies(resource);
            }
        }
        template.outputs().forEach((name, output) -> {
            var site = Site.section("output " + name);
            if (output instanceof Map<?, ?> body) {
                if (body.get("Condition") instanceof String condition) {
                    requireCondition(condition, site.child("Condition"));
                }
                body.forEach((key, value) -> {
                    if (!"Condition".equals(key)) {
                        walk(value, site.child(String.valueOf(key)), null, false);
                    }
                });
            }
        });
        findCycles();
    }

    /**
     * Walks a value for references. With {@code dependent} set, records each resource reference
     * as a dependency of it instead of checking it.
     */
    private void walk(Object value, Site site, String dependent, boolean inConditions) {
        switch (value) {
            case Map<?, ?> map when Intrinsics.isCall(map) -> walkCall(Intrinsics.name(map), Intrinsics.argument(map), site, dependent, inConditions);
            case Map<?, ?> map when inConditions && map.size() == 1 && map.get(Intrinsics.CONDITION) instanceof String name ->
                    requireCondition(name, site);
            case Map<?, ?> map -> map.forEach((key, item) -> walk(item, site.child(String.valueOf(key)), dependent, inConditions));
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    walk(list.get(i), site.index(i), dependent, inConditions);
                }
            }
            case null, default -> { }
        }
    }

    private void walkCall(String function, Object argument, Site site, String dependent, boolean inConditions) {
        switch (function) {
            case Intrinsics.REF -> {
                if (argument instanceof String target) {
                    reference(target, null, "!Ref " + target, site, dependent, inConditions);
                } else {
                    walk(argument, site, dependent, inConditions);
                }
            }
            case Intrinsics.GET_ATT -> {
                if (argument instanceof String text && text.indexOf('.') > 0) {
                    var target = text.substring(0, text.indexOf('.'));
                    reference(target, text.substring(text.indexOf('.') + 1), "!GetAtt " + text, site, dependent, inConditions);
                } else if (argument instanceof List<?> list && list.size() == 2 && list.get(0) instanceof String target) {
                    var attribute = list.get(1) instanceof String name ? name : "<attribute>";
                    reference(target, attribute, "!GetAtt " + target + "." + attribute, site, dependent, inConditions);
                    walk(list.get(1), site, dependent, inConditions);
                } else {
                    walk(argument, site, dependent, inConditions);
                }
            }
            case Intrinsics.SUB -> {
                SubString.Argument.of(argument).ifPresent(sub -> {
                    sub.variables().forEach((key, item) -> walk(item, site.child(String.valueOf(key)), dependent, inConditions));
                    for (var variable : SubString.parse(sub.text()).variables()) {
                        if (!sub.variables().containsKey(variable.name())) {
                            reference(variable.target(), variable.attribute(), "!Sub variable ${" + variable.name() + "}",
                                    site, dependent, inConditions);
                        }
                    }
                });
            }
            case Intrinsics.IF -> {
                if (argument instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof String condition) {
                    if (dependent == null) {
                        requireCondition(condition, site);
                    }
                    list.subList(1, list.size()).forEach(item -> walk(item, site, dependent, inConditions));
                } else {
                    walk(argument, site, dependent, inConditions);
                }
            }
            case Intrinsics.FIND_IN_MAP -> {
                if (dependent == null && argument instanceof List<?> list && !list.isEmpty()
                        && list.getFirst() instanceof String mapping && !template.mappings().containsKey(mapping)) {
                    problems.add(site.describe() + ": !FindInMap names mapping '" + mapping + "', which Mappings does not declare");
                }
                walk(argument, site, dependent, inConditions);
            }
            default -> walk(argument, site, dependent, inConditions);
        }
    }

    private void reference(String target, String attribute, String expression, Site site, String dependent, boolean inConditions) {
        if (dependent != null) {
            if (resources.contains(target) && !parameters.contains(target)) {
                dependencies.get(dependent).putIfAbsent(target, dependent + " refers to " + target + " in " + site.path());
            }
            return;
        }
        if (attribute == null) {
            if (Intrinsics.PSEUDO_PARAMETERS.contains(target) || parameters.contains(target)) {
                return;
            }
            if (target.startsWith("AWS::")) {
                problems.add(site.describe() + ": " + expression + " refers to nothing: '" + target + "' is not a pseudo parameter ("
                        + String.join(", ", Intrinsics.PSEUDO_PARAMETERS.stream().sorted().toList()) + ")");
                return;
            }
        } else if (parameters.contains(target)) {
            problems.add(site.describe() + ": " + expression + " refers to parameter " + target
                    + "; only resources have attributes");
            return;
        }
        if (!resources.contains(target)) {
            var kinds = attribute == null ? "no parameter, resource or pseudo parameter" : "no resource";
            problems.add(site.describe() + ": " + expression + " refers to nothing: " + kinds + " is named '" + target + "'");
        } else if (inConditions) {
            problems.add(site.describe() + ": " + expression + " refers to resource " + target
                    + "; conditions can refer only to parameters and pseudo parameters");
        }
    }

    private void requireCondition(String name, Site site) {
        if (!template.conditions().containsKey(name)) {
            problems.add(site.describe() + ": condition '" + name + "' is not declared in Conditions");
        }
    }

    private void collectDependencies(Object value, Site site, String dependent) {
        walk(value, site, dependent, false);
    }

    /** SAM's wiring: the bucket notifies the function, the API integrates with it. */
    private void addEventDependencies(TemplateDocument.Resource function) {
        if (!(function.properties().get("Events") instanceof Map<?, ?> events)) {
            return;
        }
        var id = function.logicalId();
        events.forEach((name, event) -> {
            if (!(event instanceof Map<?, ?> body)) {
                return;
            }
            var properties = body.get("Properties") instanceof Map<?, ?> map ? map : Map.of();
            switch (String.valueOf(body.get("Type"))) {
                case "S3" -> {
                    if (properties.get("Bucket") instanceof Map<?, ?> ref && ref.get(Intrinsics.REF) instanceof String bucket
                            && dependencies.containsKey(bucket)) {
                        dependencies.get(bucket).putIfAbsent(id, bucket + " notifies " + id + " through its S3 event '" + name + "'");
                    }
                }
                case "HttpApi" -> {
                    var api = properties.get("ApiId") instanceof Map<?, ?> ref && ref.get(Intrinsics.REF) instanceof String explicit
                            ? explicit : StackResources.IMPLICIT_HTTP_API;
                    dependencies.computeIfAbsent(api, ignored -> new LinkedHashMap<>())
                            .putIfAbsent(id, api + " routes to " + id + " (HttpApi event '" + name + "')");
                }
                default -> { }
            }
        });
    }

    private void findCycles() {
        var finished = new HashSet<String>();
        var reported = new HashSet<Set<String>>();
        for (var start : dependencies.keySet()) {
            visit(start, new ArrayList<>(), new HashSet<>(), finished, reported);
        }
    }

    private void visit(String node, List<String> path, Set<String> onPath, Set<String> finished, Set<Set<String>> reported) {
        if (finished.contains(node)) {
            return;
        }
        if (onPath.contains(node)) {
            var cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            if (reported.add(new HashSet<>(cycle))) {
                cycle.add(node);
                var reasons = new ArrayList<String>();
                for (int i = 0; i + 1 < cycle.size(); i++) {
                    reasons.add(dependencies.get(cycle.get(i)).get(cycle.get(i + 1)));
                }
                problems.add("circular dependency between resources: " + String.join(" -> ", cycle) + " ("
                        + String.join("; ", reasons) + "). CloudFormation rejects such a template; break the circle, "
                        + "for example by naming the resource with !Sub instead of referring to it");
            }
            return;
        }
        onPath.add(node);
        path.add(node);
        for (var next : dependencies.getOrDefault(node, new HashMap<>()).keySet()) {
            visit(next, path, onPath, finished, reported);
        }
        path.removeLast();
        onPath.remove(node);
        finished.add(node);
    }
}
