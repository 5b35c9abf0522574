package dev.offstage.local.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code AWS::DynamoDB::Table} (or {@code AWS::Serverless::SimpleTable}) with its local name.
 *
 * @param attributeTypes {@code AttributeDefinitions}: name → {@code S}, {@code N} or {@code B}
 * @param ttlAttribute the TTL attribute, when set (informational: dynalite never expires items)
 */
public record TableSpec(String logicalId, String name, Map<String, String> attributeTypes, Key key,
        List<Index> globalSecondaryIndexes, Optional<String> ttlAttribute) {

    public TableSpec {
        attributeTypes = Map.copyOf(attributeTypes);
        globalSecondaryIndexes = List.copyOf(globalSecondaryIndexes);
    }

    /** A partition key and an optional sort key. */
    public record Key(String partitionKey, Optional<String> sortKey) {}

    /** A global secondary index with its projection type ({@code ALL}, {@code KEYS_ONLY}, {@code INCLUDE}). */
    public record Index(String name, Key key, String projectionType, List<String> nonKeyAttributes) {}
}
