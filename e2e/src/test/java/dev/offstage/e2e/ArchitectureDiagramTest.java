package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.local.template.Templates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Mermaid diagram of {@code docs/architecture.md} and {@code template.yaml} tell the same
 * story: every function, queue, table and bucket is a node under its logical id, every node id in
 * PascalCase is a logical id of the template, every HTTP API route is written on the diagram and
 * every SQS and S3 trigger is an arrow from its queue or bucket to its function. Tests run in the
 * repository root.
 */
class ArchitectureDiagramTest {

    /** The resource types the diagram must show, every one of them. */
    private static final Set<String> SHOWN_TYPES = Set.of("AWS::Serverless::Function", "AWS::SQS::Queue",
            "AWS::DynamoDB::Table", "AWS::S3::Bucket");
    private static final Pattern MERMAID_BLOCK = Pattern.compile("```mermaid\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");
    /** Node shapes: [text], [[text]], [(text)], ([text]), ((text)), {text}, {{text}}, id>text] (not an arrow's >). */
    private static final Pattern SHAPE = Pattern.compile("\\[\\[.*?]]|\\[\\(.*?\\)]|\\(\\[.*?]\\)|\\(\\(.*?\\)\\)|\\{\\{.*?}}|\\[.*?]|\\(.*?\\)|\\{.*?}|(?<=\\w)>.*?]");
    /** Links: -->, --- , -.->, ==>, and the halves of a labelled link (-- text -->, -. text .->). */
    private static final Pattern LINK = Pattern.compile("\\s*(?:<?-+\\.?-*>|<?=+>|-\\.+-?>?|\\.-+>|-{2,}|={2,})\\s*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Set<String> STATEMENTS = Set.of("flowchart", "graph", "subgraph", "end", "direction", "classDef",
            "class", "style", "linkStyle", "click");

    private static Map<String, Map<String, Object>> resources;
    private static String diagram;
    private static Set<String> nodes;
    private static Set<List<String>> edges;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readTheTemplateAndTheDiagram() throws IOException {
        var source = Templates.source(Files.readString(Path.of("template.yaml")));
        resources = new LinkedHashMap<>();
        ((Map<String, Object>) source.get("Resources")).forEach((id, body) -> resources.put(id, (Map<String, Object>) body));
        var page = Files.readString(Path.of("docs/architecture.md"));
        var block = MERMAID_BLOCK.matcher(page);
        assertThat(block.find()).as("docs/architecture.md has a ```mermaid block").isTrue();
        diagram = block.group(1);
        assertThat(diagram.strip()).as("the diagram is a flowchart").startsWith("flowchart");
        nodes = new LinkedHashSet<>();
        edges = new LinkedHashSet<>();
        parse(diagram, nodes, edges);
    }

    @Test
    void everyFunctionQueueTableAndBucketOfTheTemplateIsANode() {
        var missing = resources.entrySet().stream()
                .filter(resource -> SHOWN_TYPES.contains(String.valueOf(resource.getValue().get("Type"))))
                .map(Map.Entry::getKey)
                .filter(id -> !nodes.contains(id))
                .toList();

        assertThat(missing).as("logical ids of template.yaml missing from the diagram of docs/architecture.md").isEmpty();
    }

    @Test
    void everyPascalCaseNodeIsALogicalIdOfTheTemplate() {
        var unknown = nodes.stream()
                .filter(id -> Character.isUpperCase(id.charAt(0)))
                .filter(id -> !resources.containsKey(id))
                .toList();

        assertThat(unknown).as("diagram nodes of docs/architecture.md that are no logical id of template.yaml"
                + " (ids outside the template are lower case)").isEmpty();
    }

    @Test
    void everyHttpApiRouteAndEveryQueueAndBucketTriggerIsDrawn() {
        var missing = new ArrayList<String>();
        for (var function : resources.entrySet()) {
            var properties = map(function.getValue().get("Properties"));
            for (var event : map(properties.get("Events")).entrySet()) {
                var body = map(event.getValue());
                var eventProperties = map(body.get("Properties"));
                switch (String.valueOf(body.get("Type"))) {
                    case "HttpApi" -> {
                        var route = String.valueOf(eventProperties.get("Method")).toUpperCase(Locale.ROOT) + " " + eventProperties.get("Path");
                        if (!diagram.contains(route)) {
                            missing.add(function.getKey() + ": route " + route + " is not written on the diagram");
                        }
                    }
                    case "SQS" -> TemplateContract.referencedId(eventProperties.get("Queue")).ifPresent(queue -> {
                        if (!edges.contains(List.of(queue, function.getKey()))) {
                            missing.add(function.getKey() + ": no arrow " + queue + " --> " + function.getKey());
                        }
                    });
                    case "S3" -> TemplateContract.referencedId(eventProperties.get("Bucket")).ifPresent(bucket -> {
                        if (!edges.contains(List.of(bucket, function.getKey()))) {
                            missing.add(function.getKey() + ": no arrow " + bucket + " --> " + function.getKey());
                        }
                    });
                    default -> {}
                }
            }
        }

        assertThat(missing).as("triggers of template.yaml missing from docs/architecture.md").isEmpty();
    }

    @Test
    void theParserReadsShapesLabelsAndChains() {
        var parsedNodes = new LinkedHashSet<String>();
        var parsedEdges = new LinkedHashSet<List<String>>();

        parse("""
                flowchart LR
                    subgraph one ["A title — with Words"]
                        Queue[[Queue]]
                    end
                    Queue -- "SQS, batch 1" --> Worker[Worker]
                    Worker & Other -.-> Table[(Table)]
                    Worker -. "OnFailure" .-> dead{{Dead letters}}
                """, parsedNodes, parsedEdges);

        assertThat(parsedNodes).containsExactly("Queue", "Worker", "Other", "Table", "dead");
        assertThat(parsedEdges).containsExactly(List.of("Queue", "Worker"), List.of("Worker", "Table"),
                List.of("Other", "Table"), List.of("Worker", "dead"));
    }

    /**
     * Reads node ids and links of a flowchart: statements (subgraph, end, style...) and comments
     * are skipped, quoted text and shape labels removed, and each link joins every node of the
     * {@code A & B} group before it to every node of the group after it.
     */
    private static void parse(String flowchart, Set<String> nodes, Set<List<String>> edges) {
        for (var rawLine : flowchart.split("\\n")) {
            var line = rawLine.strip();
            if (line.isEmpty() || line.startsWith("%%")) {
                continue;
            }
            var first = line.split("\\s+", 2)[0];
            if (STATEMENTS.contains(first)) {
                continue;
            }
            var bare = SHAPE.matcher(QUOTED.matcher(line).replaceAll("")).replaceAll("");
            bare = bare.replaceAll("\\|[^|]*\\|", "");
            List<List<String>> groups = new ArrayList<>();
            for (var segment : LINK.split(bare)) {
                var group = new ArrayList<String>();
                for (var part : segment.split("&")) {
                    var id = part.strip();
                    if (IDENTIFIER.matcher(id).matches()) {
                        group.add(id);
                        nodes.add(id);
                    }
                }
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
            for (var i = 0; i + 1 < groups.size(); i++) {
                for (var from : groups.get(i)) {
                    for (var to : groups.get(i + 1)) {
                        edges.add(List.of(from, to));
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
