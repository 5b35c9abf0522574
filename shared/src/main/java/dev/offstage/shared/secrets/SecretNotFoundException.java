package dev.offstage.shared.secrets;

/**
 * Secrets Manager has no secret under this id (name or ARN), or none with a current value. The
 * message names the id — never a value — so it is safe to log. At init it usually means a
 * misconfigured function: the wrong id in its environment, or the secret not deployed.
 */
public final class SecretNotFoundException extends RuntimeException {

    private final String secretId;

    SecretNotFoundException(String secretId, Throwable cause) {
        super("Secret '" + secretId + "' was not found in Secrets Manager (or has no current value)", cause);
        this.secretId = secretId;
    }

    /** The name or ARN that was asked for. */
    public String secretId() {
        return secretId;
    }
}
