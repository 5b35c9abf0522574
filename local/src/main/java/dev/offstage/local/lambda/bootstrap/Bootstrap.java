package dev.offstage.local.lambda.bootstrap;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import java.io.IOException;
import java.io.InputStream;

/**
 * The main class of a local execution environment: ties the environment's life to the local
 * runtime's, then runs Lambda's runtime interface client ({@code AWSLambda <handler>}) exactly as
 * the {@code java25} runtime's bootstrap does.
 *
 * <p>The runtime keeps this process's standard input open and never writes to it. When the runtime
 * goes away — closed, crashed or killed with SIGKILL — the kernel closes that pipe, the read below
 * returns end-of-file, and the environment kills whatever it started and halts: no orphaned JVMs,
 * without relying on the runtime's shutdown hooks.
 *
 * <p>This class runs in the function's JVM, copied there alone (a one-class jar): it must use
 * nothing but the JDK and the RIC, and declare no nested or anonymous classes.
 */
public final class Bootstrap {

    private Bootstrap() {}

    public static void main(String[] args) throws Throwable {
        Thread.ofPlatform().daemon().name("offstage-parent-watch").start(Bootstrap::haltWhenParentGoes);
        AWSLambda.main(args);
    }

    private static void haltWhenParentGoes() {
        InputStream parent = System.in;
        var buffer = new byte[256];
        try {
            while (parent.read(buffer) >= 0) {
                // The runtime never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-file: the runtime is gone.
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().halt(137);
    }
}
