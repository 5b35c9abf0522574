package dev.offstage.local.model;

import java.util.Objects;

/**
 * One {@code AWS::SecretsManager::Secret} with its local name and local value.
 *
 * @param name the secret's name ({@code Name}, else derived from stack and logical id)
 * @param value the local value: {@code --secret LogicalId=value}, else {@code SecretString}, else
 *     the documented default for {@code GenerateSecretString} ({@code local-<kebab-case-logical-id>},
 *     inside its {@code SecretStringTemplate} when one is given)
 */
public record SecretSpec(String logicalId, String name, String value) {

    public SecretSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public SecretSpec withValue(String newValue) {
        return new SecretSpec(logicalId, name, newValue);
    }

    /** Without the value: specs end up in logs and assertion messages. */
    @Override
    public String toString() {
        return "SecretSpec[logicalId=" + logicalId + ", name=" + name + "]";
    }
}
