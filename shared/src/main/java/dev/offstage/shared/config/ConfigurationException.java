package dev.offstage.shared.config;

/**
 * A function is misconfigured: a required setting is missing or malformed. Thrown at init, so
 * the deployment fails loudly instead of the first request failing quietly.
 */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
