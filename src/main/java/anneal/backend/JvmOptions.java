package anneal.backend;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The JVM options a JVM that runs the CPU backend's kernels needs, in one place (here, below both backends, so that
 * every launcher can use it). Every launcher Anneal has takes them from here:
 * the CLI's relaunch ({@code anneal.cli.Main}), a sweep's JMH forks, Slurm tasks, the overhead benchmarks, the JMH
 * benchmarks' {@code @Fork}, the bench scripts ({@code java -cp anneal.jar anneal.backend.JvmOptions} prints
 * them) and surefire (the pom's {@code cpu.jvm.options}, checked by {@code JvmOptionsTest}).
 *
 * <ul>
 *   <li>{@link #VECTOR_MODULE}: the kernels use the incubating Vector API, which no JVM resolves unasked.</li>
 *   <li>{@link #TRAP_LIMIT}: C2 adds up, per compilation, the uncommon traps recorded in the profile of every method
 *       it inlines, and once the sum passes {@code PerMethodTrapLimit} (100 by default) it stops speculating on
 *       types for the rest of that compilation. Each {@code FloatVector.fma} inlines
 *       {@code VectorOperators.opCode} and {@code ImplCache.find}, shared by every use of the Vector API in the JVM;
 *       while the kernels warm up in the interpreter and C1 (where nothing is intrinsified), standalone compilations
 *       of those two methods meet new operator classes and trap, a few times each, at a moment that varies from JVM to
 *       JVM. With 4 + 1 traps recorded, the 32 fused multiply-adds of the 4 x 4 weight-gradient kernel add up to 160:
 *       its 16 closing stores are then compiled as virtual calls, not intrinsified, and every accumulator is boxed
 *       (the step allocates; on one Zen 4 core the weight gradient ran at 32-35 GFLOP/s against 72-94 in 6 of 20
 *       fresh JVMs, and 0 of 20 were slow with the option; {@code tools/jit_check.sh} repeats the experiment). How often
 *       one site may trap stays bounded ({@code PerBytecodeTrapLimit} is unchanged).</li>
 * </ul>
 * A program that embeds the library should start its JVM with {@link #ALL} too; without the second the CPU backend
 * gives the same results, only in some JVMs slower.
 */
public final class JvmOptions {
    /** Resolves the Vector API's incubator module. */
    public static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    /** The HotSpot option the trap limit is. */
    static final String TRAP_LIMIT_OPTION = "-XX:PerMethodTrapLimit=";
    /** Lets C2 keep its type speculation through a kernel with many inlined Vector API calls (see the class comment). */
    public static final String TRAP_LIMIT = TRAP_LIMIT_OPTION + "10000";
    /** Both, in the order a command line takes them. */
    public static final List<String> ALL = List.of(VECTOR_MODULE, TRAP_LIMIT);

    private JvmOptions() {
    }

    /** Whether this JVM resolved the Vector API's module. */
    public static boolean vectorModuleResolved() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Whether this JVM was started with a trap limit of its own choosing ({@link #TRAP_LIMIT} or another value). */
    public static boolean trapLimitSet() {
        return hasTrapLimit(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** Whether {@code jvmArguments} (a JVM's input arguments) set the trap limit. */
    static boolean hasTrapLimit(List<String> jvmArguments) {
        return jvmArguments.stream().anyMatch(a -> a.startsWith(TRAP_LIMIT_OPTION));
    }

    /** Prints {@link #ALL} on one line, space-separated, for shell scripts: {@code java $(java -cp anneal.jar ...)}. */
    public static void main(String[] args) {
        System.out.println(String.join(" ", ALL));
    }
}
