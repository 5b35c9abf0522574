package dev.offstage.benchmarks.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * The cold-start baseline: the smallest handler a Java function can have, packaged like a function
 * (its class at the root, {@code aws-lambda-java-core} under {@code lib/}). It takes the event as a
 * map, so the runtime's JSON deserialisation is part of the baseline as it is of every function.
 */
public final class HelloWorldHandler implements RequestHandler<Map<String, Object>, String> {

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        return "hello, " + event.size() + " keys";
    }
}
