package dev.offstage.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.constant.DirectMethodHandleDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The environment variables code reads through the toolkit's one config reader,
 * {@code dev.offstage.shared.config.Environment} ({@code require}, {@code optional}, {@code get},
 * {@code intValue}, {@code booleanValue}, {@code seconds}), found in compiled classes with the JDK's
 * class-file API.
 *
 * <p>Why bytecode rather than a scan of the sources or a run of each handler's setup: the names
 * are compile-time constants, so javac puts each one as an {@code ldc} right before the call that
 * reads it, whichever class declared the constant — nothing to resolve across files. And a
 * method-level call graph (the handler's methods and static initialiser, then every
 * {@code dev.offstage} method they call, directly or through a lambda or method reference) tells
 * which <em>function</em> reads a variable: the CI functions share {@code CiConfig}, but only the
 * runner calls {@code artifactsBucket()}. Running the setup classes instead would build AWS
 * clients and fetch secrets at init. The graph follows the declared owner of each call (and its
 * superclasses), not overriding subclasses or interface implementations: it may miss a read,
 * never invent one, so a required variable it reports is really required.
 */
final class EnvironmentReads {

    /** One read: the variable, whether it is {@code require}d, and the method that reads it. */
    record Read(String variable, boolean required, String where) {}

    private static final String ENVIRONMENT = "dev/offstage/shared/config/Environment";
    private static final Set<String> READ_METHODS = Set.of("require", "optional", "get", "intValue", "booleanValue", "seconds");
    private static final String OWN_CODE = "dev/offstage/";
    private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*");

    private record MethodKey(String owner, String name, String descriptor) {}

    private final List<Path> classDirectories;
    private final Map<String, Optional<ClassModel>> classes = new HashMap<>();
    private final Map<MethodKey, Optional<Boolean>> forwarders = new HashMap<>();

    /**
     * @param classDirectories roots of compiled classes ({@code target/classes}, or the root of a
     *     jar's file system), searched in order
     */
    EnvironmentReads(List<Path> classDirectories) {
        this.classDirectories = List.copyOf(classDirectories);
    }

    /** Every read in every class of the directories, reachable or not. */
    Set<Read> all() {
        var reads = new LinkedHashSet<Read>();
        for (var directory : classDirectories) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (var file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
                    var name = directory.relativize(file).toString().replace('\\', '/').replaceFirst("^/", "");
                    var model = load(name.substring(0, name.length() - ".class".length()));
                    model.ifPresent(type -> type.methods().forEach(method -> scan(type, method, reads, call -> {})));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reads;
    }

    /**
     * The reads of code reachable from {@code className} (a handler): its static initialiser and
     * methods, and what they call.
     */
    Set<Read> reachableFrom(String className) {
        var reads = new LinkedHashSet<Read>();
        var seen = new HashSet<MethodKey>();
        var work = new ArrayDeque<MethodKey>();
        var start = internalName(className);
        load(start).ifPresent(type -> type.methods().forEach(method ->
                work.add(new MethodKey(start, method.methodName().stringValue(), method.methodType().stringValue()))));
        while (!work.isEmpty()) {
            var key = work.poll();
            if (!seen.add(key)) {
                continue;
            }
            var found = resolve(key.owner(), key.name(), key.descriptor());
            if (found.isEmpty()) {
                continue;
            }
            var type = found.get().type;
            // Touching a class runs its static initialiser, where handlers build their singletons.
            work.add(new MethodKey(type.thisClass().asInternalName(), "<clinit>", "()V"));
            scan(type, found.get().method, reads, work::add);
        }
        return reads;
    }

    private record Found(ClassModel type, MethodModel method) {}

    /** The method as the JVM resolves a call to it: declared on the owner or inherited. */
    private Optional<Found> resolve(String owner, String name, String descriptor) {
        var pending = new ArrayDeque<String>(List.of(owner));
        var visited = new HashSet<String>();
        while (!pending.isEmpty()) {
            var current = pending.poll();
            if (!current.startsWith(OWN_CODE) || !visited.add(current)) {
                continue;
            }
            var model = load(current);
            if (model.isEmpty()) {
                continue;
            }
            var type = model.get();
            for (var method : type.methods()) {
                if (method.methodName().equalsString(name) && method.methodType().equalsString(descriptor)) {
                    return Optional.of(new Found(type, method));
                }
            }
            type.superclass().ifPresent(parent -> pending.add(parent.asInternalName()));
            type.interfaces().forEach(parent -> pending.add(parent.asInternalName()));
        }
        return Optional.empty();
    }

    /**
     * Records the reads of one method and hands every {@code dev.offstage} method it calls (or
     * whose class it initialises) to {@code calls}. The variable of a read is the first
     * variable-like string constant loaded since the last call that took text or the last statement
     * end: javac loads the name right after the receiver, before any fallback argument.
     */
    private void scan(ClassModel type, MethodModel method, Set<Read> reads, java.util.function.Consumer<MethodKey> calls) {
        var code = method.code();
        if (code.isEmpty()) {
            return;
        }
        var where = simpleName(type.thisClass().asInternalName()) + "." + method.methodName().stringValue();
        var constants = new ArrayList<String>();
        for (var element : (CodeModel) code.get()) {
            switch (element) {
                case ConstantInstruction constant when constant.constantValue() instanceof String text -> constants.add(text);
                case InvokeInstruction invoke -> {
                    var owner = invoke.owner().asInternalName();
                    var name = invoke.name().stringValue();
                    var descriptor = invoke.type().stringValue();
                    var read = owner.equals(ENVIRONMENT) && READ_METHODS.contains(name);
                    var variable = constants.stream().filter(text -> VARIABLE.matcher(text).matches()).findFirst();
                    if (read) {
                        variable.ifPresent(found -> reads.add(new Read(found, name.equals("require"), where)));
                    } else if (variable.isPresent() && owner.startsWith(OWN_CODE) && takesText(descriptor)) {
                        // A helper of ours that reads the name it is given: queue(SEGMENTS_QUEUE_URL), longValue(environment, NAME, 0).
                        forwardedRead(new MethodKey(owner, name, descriptor)).ifPresent(required ->
                                reads.add(new Read(variable.get(), required, where)));
                    }
                    if (!read && owner.startsWith(OWN_CODE)) {
                        calls.accept(new MethodKey(owner, name, descriptor));
                    }
                    if (takesText(descriptor)) {
                        // The pending constants went into this call: none of them names a later read.
                        constants.clear();
                    }
                }
                case InvokeDynamicInstruction dynamic -> dynamic.bootstrapArgs().forEach(argument -> {
                    if (argument instanceof DirectMethodHandleDesc handle) {
                        var owner = handle.owner().descriptorString();
                        owner = owner.substring(1, owner.length() - 1);
                        if (owner.startsWith(OWN_CODE)) {
                            calls.accept(new MethodKey(owner, handle.methodName(), handle.lookupDescriptor()));
                        }
                    }
                });
                case FieldInstruction field when field.owner().asInternalName().startsWith(OWN_CODE) ->
                        calls.accept(new MethodKey(field.owner().asInternalName(), "<clinit>", "()V"));
                case NewObjectInstruction created when created.className().asInternalName().startsWith(OWN_CODE) ->
                        calls.accept(new MethodKey(created.className().asInternalName(), "<clinit>", "()V"));
                case StoreInstruction ignored -> constants.clear();
                case ReturnInstruction ignored -> constants.clear();
                default -> {}
            }
        }
    }

    /**
     * Whether a method reads a variable whose name it is given rather than a constant — and if so
     * whether it {@code require}s it.
     */
    private Optional<Boolean> forwardedRead(MethodKey key) {
        return forwarders.computeIfAbsent(key, ignored -> {
            var found = resolve(key.owner(), key.name(), key.descriptor());
            if (found.isEmpty() || found.get().method.code().isEmpty()) {
                return Optional.empty();
            }
            var named = false;
            for (var element : (CodeModel) found.get().method.code().get()) {
                switch (element) {
                    case ConstantInstruction constant when constant.constantValue() instanceof String text ->
                            named |= VARIABLE.matcher(text).matches();
                    case InvokeInstruction invoke -> {
                        if (invoke.owner().asInternalName().equals(ENVIRONMENT) && READ_METHODS.contains(invoke.name().stringValue())
                                && !named) {
                            return Optional.of(invoke.name().equalsString("require"));
                        }
                        if (takesText(invoke.type().stringValue())) {
                            named = false;
                        }
                    }
                    case StoreInstruction ignoredStore -> named = false;
                    default -> {}
                }
            }
            return Optional.empty();
        });
    }

    private static boolean takesText(String descriptor) {
        var parameters = descriptor.substring(1, descriptor.indexOf(')'));
        return parameters.contains("Ljava/lang/String;") || parameters.contains("Ljava/lang/Object;")
                || parameters.contains("Ljava/lang/CharSequence;");
    }

    private Optional<ClassModel> load(String internalName) {
        return classes.computeIfAbsent(internalName, name -> {
            for (var directory : classDirectories) {
                var file = directory.resolve(name + ".class");
                if (Files.isRegularFile(file)) {
                    try {
                        return Optional.of(ClassFile.of().parse(Files.readAllBytes(file)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return Optional.empty();
        });
    }

    private static String internalName(String className) {
        return className.replace('.', '/');
    }

    private static String simpleName(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }
}
