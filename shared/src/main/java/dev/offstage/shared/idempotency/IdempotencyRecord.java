package dev.offstage.shared.idempotency;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item of the idempotency table, as read back. The layout is documented on
 * {@link IdempotencyTable}; this class is the only one that knows the attribute names.
 */
record IdempotencyRecord(
        String id,
        Status status,
        long expiration,
        long inProgressExpiration,
        String data,
        String validation) {

    enum Status { INPROGRESS, COMPLETED }

    /** DynamoDB's item size limit: 400 KB, attribute names and values together. */
    static final int MAX_ITEM_BYTES = 400 * 1024;

    static final String ID = "id";
    static final String STATUS = "status";
    static final String EXPIRATION = "expiration";
    static final String IN_PROGRESS_EXPIRATION = "in_progress_expiration";
    static final String DATA = "data";
    static final String VALIDATION = "validation";
    static final String OWNER = "owner";

    /**
     * Expression attribute names for every attribute: {@code status} and {@code data} are DynamoDB
     * reserved words, and naming all of them keeps the expressions uniform.
     */
    static final Map<String, String> NAMES = Map.of(
            "#id", ID,
            "#status", STATUS,
            "#expiration", EXPIRATION,
            "#inProgressExpiration", IN_PROGRESS_EXPIRATION,
            "#owner", OWNER);

    static IdempotencyRecord from(Map<String, AttributeValue> item) {
        return new IdempotencyRecord(
                item.get(ID).s(),
                Status.valueOf(item.get(STATUS).s()),
                number(item, EXPIRATION),
                number(item, IN_PROGRESS_EXPIRATION),
                string(item, DATA),
                string(item, VALIDATION));
    }

    static Map<String, AttributeValue> inProgressItem(String id, String owner, long expiration,
            long inProgressExpiration, String validation) {
        var item = new HashMap<String, AttributeValue>();
        item.put(ID, AttributeValue.fromS(id));
        item.put(STATUS, AttributeValue.fromS(Status.INPROGRESS.name()));
        item.put(EXPIRATION, number(expiration));
        item.put(IN_PROGRESS_EXPIRATION, number(inProgressExpiration));
        item.put(OWNER, AttributeValue.fromS(owner));
        if (validation != null) {
            item.put(VALIDATION, AttributeValue.fromS(validation));
        }
        return item;
    }

    static Map<String, AttributeValue> completedItem(String id, long expiration, String data, String validation) {
        var item = new HashMap<String, AttributeValue>();
        item.put(ID, AttributeValue.fromS(id));
        item.put(STATUS, AttributeValue.fromS(Status.COMPLETED.name()));
        item.put(EXPIRATION, number(expiration));
        item.put(DATA, AttributeValue.fromS(data));
        if (validation != null) {
            item.put(VALIDATION, AttributeValue.fromS(validation));
        }
        return item;
    }

    /**
     * Whether a new call may replace this record at {@code now}: the same test as the claim's
     * condition expression, used when a record read after a failed claim turns out replaceable
     * (it changed in between).
     */
    boolean replaceableAt(Instant now) {
        return expiration < now.getEpochSecond()
                || (status == Status.INPROGRESS && inProgressExpiration < now.toEpochMilli());
    }

    boolean completed() {
        return status == Status.COMPLETED;
    }

    /**
     * The item's size as DynamoDB counts it against its 400 KB limit: attribute names plus values
     * in UTF-8. Numbers are counted at their maximum (21 bytes), so this never underestimates.
     */
    static long itemBytes(Map<String, AttributeValue> item) {
        long size = 0;
        for (var attribute : item.entrySet()) {
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
            var value = attribute.getValue();
            size += value.s() != null ? utf8Length(value.s()) : 21;
        }
        return size;
    }

    private static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }
}
