package dev.offstage.ops;

import java.util.Map;
import java.util.Objects;

/**
 * What one deployment of the template is made of, by logical id: the physical names the ops
 * console looks at. Built from a CloudFormation stack ({@code --stack}) or from the local
 * runtime's endpoints file ({@code .offstage/endpoints.json}).
 *
 * @param name      the stack name
 * @param queues    queue logical id to queue URL
 * @param tables    table logical id to table name
 * @param functions function logical id to function name
 * @param logGroups function logical id to its log group name (empty locally)
 */
public record Deployment(String name, Map<String, String> queues, Map<String, String> tables,
        Map<String, String> functions, Map<String, String> logGroups) {

    /** The builds table's logical id in template.yaml. */
    public static final String BUILDS_TABLE = "BuildsTable";
    /** The videos table's logical id in template.yaml. */
    public static final String VIDEOS_TABLE = "VideosTable";

    public Deployment {
        Objects.requireNonNull(name, "name");
        queues = Map.copyOf(queues);
        tables = Map.copyOf(tables);
        functions = Map.copyOf(functions);
        logGroups = Map.copyOf(logGroups);
    }
}
