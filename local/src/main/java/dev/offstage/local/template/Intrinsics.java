package dev.offstage.local.template;

import java.util.Map;
import java.util.Set;

/** The vocabulary of intrinsic functions as they look after parsing: single-key maps. */
final class Intrinsics {

    static final String REF = "Ref";
    static final String GET_ATT = "Fn::GetAtt";
    static final String SUB = "Fn::Sub";
    static final String IF = "Fn::If";
    static final String FIND_IN_MAP = "Fn::FindInMap";
    static final String CONDITION = "Condition";

    /** The pseudo parameters CloudFormation defines; {@code Ref} to any of them is always valid. */
    static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
            "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");

    private Intrinsics() {}

    /** Whether {@code map} is a function call such as {@code {Ref: X}} or {@code {Fn::Join: [...]}}. */
    static boolean isCall(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        var key = map.keySet().iterator().next();
        return key instanceof String name && (name.equals(REF) || name.startsWith("Fn::"));
    }

    /** The function name of a call. */
    static String name(Map<?, ?> call) {
        return (String) call.keySet().iterator().next();
    }

    /** The argument of a call. */
    static Object argument(Map<?, ?> call) {
        return call.values().iterator().next();
    }

    /** How a template author writes the function, for messages: {@code Fn::GetAtt} → {@code !GetAtt}. */
    static String shortForm(String name) {
        return "!" + (name.startsWith("Fn::") ? name.substring(4) : name);
    }
}
