package dev.offstage.local.resources;

import java.util.Map;

/**
 * What {@link ResourceProvisioner} created, by logical id, with the URLs and ARNs the emulators
 * gave them — the values functions receive through {@code !Ref} and {@code !GetAtt}.
 */
public record ProvisionedResources(Map<String, Queue> queues, Map<String, Table> tables, Map<String, Bucket> buckets,
        Map<String, Secret> secrets) {

    public ProvisionedResources {
        queues = Map.copyOf(queues);
        tables = Map.copyOf(tables);
        buckets = Map.copyOf(buckets);
        secrets = Map.copyOf(secrets);
    }

    /** A queue: {@code url} is what {@code Ref} gives, {@code arn} what {@code !GetAtt Queue.Arn} gives. */
    public record Queue(String logicalId, String name, String url, String arn) {}

    public record Table(String logicalId, String name, String arn) {}

    /**
     * A bucket.
     *
     * @param versioned whether versioning is on in the emulator: the template asked for it and the
     *     emulator supports it (S3Proxy's in-memory store does; see {@link ResourceProvisioner})
     */
    public record Bucket(String logicalId, String name, String arn, boolean versioned) {}

    /**
     * A secret.
     *
     * @param arn the full ARN the service gave it, random suffix included ({@code Ref} gives the
     *     partial one, without it: {@link dev.offstage.local.template.LocalNaming#secretArn})
     * @param value the local value it holds
     */
    public record Secret(String logicalId, String name, String arn, String value) {
        /** Without the value, as {@link dev.offstage.local.model.SecretSpec} does. */
        @Override
        public String toString() {
            return "Secret[logicalId=" + logicalId + ", name=" + name + ", arn=" + arn + "]";
        }
    }

    /** @throws IllegalArgumentException when no secret has this logical id */
    public Secret secret(String logicalId) {
        return find(secrets, logicalId, "secret");
    }

    /** @throws IllegalArgumentException when no queue has this logical id */
    public Queue queue(String logicalId) {
        return find(queues, logicalId, "queue");
    }

    /** @throws IllegalArgumentException when no table has this logical id */
    public Table table(String logicalId) {
        return find(tables, logicalId, "table");
    }

    /** @throws IllegalArgumentException when no bucket has this logical id */
    public Bucket bucket(String logicalId) {
        return find(buckets, logicalId, "bucket");
    }

    private static <T> T find(Map<String, T> resources, String logicalId, String kind) {
        var resource = resources.get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("no " + kind + " " + logicalId + " was provisioned (there are: "
                    + String.join(", ", resources.keySet().stream().sorted().toList()) + ")");
        }
        return resource;
    }
}
