package dev.offstage.local.lambda;

import dev.offstage.local.model.EventSource;
import java.io.IOException;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.MalformedParameterizedTypeException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a function's handler takes and returns, read from its compiled code without running it:
 * the type arguments of {@code RequestHandler<I, O>} (through generic superclasses too), a
 * {@code RequestStreamHandler}, or the parameters of the public method a
 * {@code package.Class::method} handler names — the shapes Lambda's Java runtime accepts.
 *
 * @param handlerClass the handler's class name
 * @param method the method Lambda calls ({@code handleRequest} for the handler interfaces)
 * @param kind whether the runtime deserialises the event into {@code inputType} or hands over bytes
 * @param inputType the event type's class name: {@code java.io.InputStream} for streams, empty for
 *     a method that takes no event
 * @param outputType the response type's class name ({@code void} for streams and void methods)
 * @param inputTypes {@code inputType} with all its superclasses and interfaces
 */
public record HandlerSignature(String handlerClass, String method, Kind kind, String inputType, String outputType,
        Set<String> inputTypes) {

    /** How the runtime hands the event to the handler. */
    public enum Kind {
        /** Deserialised by the runtime's serializers into {@code inputType}. */
        TYPED,
        /** Raw bytes: {@code RequestStreamHandler} or an {@code (InputStream, OutputStream, Context)} method. */
        STREAM
    }

    static final String EVENTS_PACKAGE = "com.amazonaws.services.lambda.runtime.events.";
    private static final String REQUEST_HANDLER = "com.amazonaws.services.lambda.runtime.RequestHandler";
    private static final String STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";
    private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";

    public HandlerSignature {
        inputTypes = Set.copyOf(inputTypes);
    }

    /**
     * The event classes a trigger's events deserialise into, as Lambda's Java events library
     * names them; a handler must take one of them (or a type that takes any JSON).
     */
    public static List<String> eventTypesOf(EventSource source) {
        return switch (source) {
            case EventSource.HttpApi ignored -> List.of(EVENTS_PACKAGE + "APIGatewayV2HTTPEvent");
            case EventSource.Sqs ignored -> List.of(EVENTS_PACKAGE + "SQSEvent");
            case EventSource.S3 ignored -> List.of(EVENTS_PACKAGE + "S3Event", EVENTS_PACKAGE + "models.s3.S3EventNotification");
        };
    }

    /**
     * True when events of {@code source} reach this handler intact: it takes the trigger's event
     * class (or a subclass), a {@code Map}, {@code Object}, a stream, or no event at all.
     */
    public boolean accepts(EventSource source) {
        return mismatch(source).isEmpty();
    }

    /** Why events of {@code source} do not fit this handler, or empty when they do. */
    public Optional<String> mismatch(EventSource source) {
        if (kind == Kind.STREAM || inputType.isEmpty() || inputType.equals("java.lang.Object")
                || inputTypes.contains("java.util.Map")) {
            return Optional.empty();
        }
        var expected = eventTypesOf(source);
        if (expected.stream().anyMatch(inputTypes::contains)) {
            return Optional.empty();
        }
        return Optional.of("event " + source.name() + " (" + triggerName(source) + ") delivers "
                + String.join(" or ", expected.stream().map(HandlerSignature::simpleName).toList())
                + ", but handler " + handlerClass + "::" + method + " takes " + inputType);
    }

    private static String triggerName(EventSource source) {
        return switch (source) {
            case EventSource.HttpApi ignored -> "HttpApi";
            case EventSource.Sqs ignored -> "SQS";
            case EventSource.S3 ignored -> "S3";
        };
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /**
     * Loads {@code handler} (without initialising it) in a class loader of its own over
     * {@code classpath}, which must hold {@code aws-lambda-java-core} and the function's code.
     *
     * @throws FunctionSetupException naming the function when the handler string is malformed, its
     *     class or method does not exist, or it implements no handler interface
     */
    static HandlerSignature inspect(String functionLogicalId, String handler, List<URL> classpath) {
        var separator = handler.indexOf("::");
        var className = separator < 0 ? handler : handler.substring(0, separator);
        var methodName = separator < 0 ? null : handler.substring(separator + 2);
        if (className.isBlank() || (methodName != null && methodName.isBlank())) {
            throw FunctionSetupException.of(functionLogicalId,
                    "invalid Handler '" + handler + "' (expected package.Class or package.Class::method)");
        }
        try (var loader = new URLClassLoader("handler-inspection", classpath.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException e) {
                throw FunctionSetupException.of(functionLogicalId,
                        "handler class " + className + " not found in the function's code");
            }
            var requestHandler = Class.forName(REQUEST_HANDLER, false, loader);
            var streamHandler = Class.forName(STREAM_HANDLER, false, loader);
            if (methodName == null || (methodName.equals("handleRequest")
                    && (requestHandler.isAssignableFrom(type) || streamHandler.isAssignableFrom(type)))) {
                if (streamHandler.isAssignableFrom(type)) {
                    return stream(className, "handleRequest");
                }
                if (requestHandler.isAssignableFrom(type)) {
                    var bindings = typeBindings(type);
                    var variables = requestHandler.getTypeParameters();
                    return typed(className, "handleRequest", bindings.getOrDefault(variables[0], Object.class),
                            bindings.getOrDefault(variables[1], Object.class), bindings);
                }
                throw FunctionSetupException.of(functionLogicalId, "handler class " + className
                        + " implements neither RequestHandler nor RequestStreamHandler; name a method (Class::method)");
            }
            return method(functionLogicalId, className, methodName, type);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("aws-lambda-java-core is not on the inspection class path", e);
        } catch (LinkageError | TypeNotPresentException | MalformedParameterizedTypeException e) {
            throw FunctionSetupException.of(functionLogicalId,
                    "handler class " + className + " cannot be loaded: " + e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot close the handler inspection class loader", e);
        }
    }

    private static HandlerSignature method(String functionLogicalId, String className, String methodName, Class<?> type) {
        // Lambda prefers the method with the most parameters: (event, Context) over (event).
        var candidates = Arrays.stream(type.getMethods())
                .filter(method -> method.getName().equals(methodName) && !method.isBridge() && !method.isSynthetic())
                .filter(method -> method.getParameterCount() <= 3)
                .sorted(Comparator.comparingInt(Method::getParameterCount).reversed())
                .toList();
        if (candidates.isEmpty()) {
            throw FunctionSetupException.of(functionLogicalId,
                    "handler class " + className + " has no public method " + methodName);
        }
        for (var method : candidates) {
            var parameters = method.getParameterTypes();
            if (parameters.length >= 2 && parameters[0].getName().equals("java.io.InputStream")
                    && parameters[1].getName().equals("java.io.OutputStream")) {
                return stream(className, methodName);
            }
        }
        var bindings = typeBindings(type);
        for (var method : candidates) {
            var parameters = method.getGenericParameterTypes();
            var takesContext = parameters.length > 0 && erasure(parameters[parameters.length - 1]).getName().equals(CONTEXT);
            var events = parameters.length - (takesContext ? 1 : 0);
            if (events > 1) {
                continue;
            }
            var input = events == 0 ? null : parameters[0];
            return typed(className, methodName, input, method.getGenericReturnType(), bindings);
        }
        throw FunctionSetupException.of(functionLogicalId, "handler method " + className + "::" + methodName
                + " has no signature Lambda can call (event[, Context]) or (InputStream, OutputStream[, Context])");
    }

    private static HandlerSignature stream(String className, String method) {
        return new HandlerSignature(className, method, Kind.STREAM, "java.io.InputStream", "void",
                Set.of("java.io.InputStream", "java.lang.Object"));
    }

    private static HandlerSignature typed(String className, String method, Type input, Type output,
            Map<TypeVariable<?>, Type> bindings) {
        if (input == null) {
            return new HandlerSignature(className, method, Kind.TYPED, "", erasure(substitute(output, bindings)).getName(),
                    Set.of());
        }
        var inputClass = erasure(substitute(input, bindings));
        return new HandlerSignature(className, method, Kind.TYPED, inputClass.getName(),
                erasure(substitute(output, bindings)).getName(), supertypes(inputClass));
    }

    /**
     * Every type variable of every generic supertype of {@code type}, bound to what the class
     * hierarchy below it says, so {@code class H extends Base<SQSEvent>} with
     * {@code Base<T> implements RequestHandler<T, String>} binds RequestHandler's {@code I} to SQSEvent.
     */
    private static Map<TypeVariable<?>, Type> typeBindings(Class<?> type) {
        var bindings = new HashMap<TypeVariable<?>, Type>();
        var pending = new ArrayDeque<Class<?>>();
        pending.add(type);
        while (!pending.isEmpty()) {
            var current = pending.poll();
            var supertypes = new ArrayList<Type>(List.of(current.getGenericInterfaces()));
            if (current.getGenericSuperclass() != null) {
                supertypes.add(current.getGenericSuperclass());
            }
            for (var supertype : supertypes) {
                if (supertype instanceof ParameterizedType parameterized) {
                    var raw = (Class<?>) parameterized.getRawType();
                    var variables = raw.getTypeParameters();
                    var arguments = parameterized.getActualTypeArguments();
                    for (int i = 0; i < variables.length; i++) {
                        bindings.putIfAbsent(variables[i], substitute(arguments[i], bindings));
                    }
                    pending.add(raw);
                } else if (supertype instanceof Class<?> raw) {
                    pending.add(raw);
                }
            }
        }
        return bindings;
    }

    private static Type substitute(Type type, Map<TypeVariable<?>, Type> bindings) {
        return type instanceof TypeVariable<?> variable && bindings.containsKey(variable) ? bindings.get(variable) : type;
    }

    private static Class<?> erasure(Type type) {
        return switch (type) {
            case Class<?> raw -> raw;
            case ParameterizedType parameterized -> (Class<?>) parameterized.getRawType();
            case TypeVariable<?> variable -> erasure(variable.getBounds()[0]);
            case WildcardType wildcard -> erasure(wildcard.getUpperBounds()[0]);
            case GenericArrayType array -> erasure(array.getGenericComponentType()).arrayType();
            default -> Object.class;
        };
    }

    private static Set<String> supertypes(Class<?> type) {
        var names = new LinkedHashSet<String>();
        var pending = new ArrayDeque<Class<?>>();
        pending.add(type);
        while (!pending.isEmpty()) {
            var current = pending.poll();
            if (names.add(current.getName())) {
                if (current.getSuperclass() != null) {
                    pending.add(current.getSuperclass());
                }
                pending.addAll(List.of(current.getInterfaces()));
            }
        }
        names.add("java.lang.Object");
        return names;
    }
}
