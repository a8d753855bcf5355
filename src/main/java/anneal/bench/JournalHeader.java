package anneal.bench;

import java.util.Map;

/**
 * First line of a journal ({@code "type": "header"}): names the format so that {@code --resume} refuses
 * foreign files, and records the protocol and where the sweep ran. Its settings and plan are the sweep's contract:
 * {@link HeaderContract} compares every field of them (whatever fields they have) with what a {@code --resume}
 * asks for, and only {@code --extend} may grow the plan.
 *
 * @param format      always {@link Journal#FORMAT}
 * @param version     format version ({@link Journal#VERSION})
 * @param createdAt   ISO-8601 time the sweep started
 * @param settings    the protocol every cell follows
 * @param plan        the cells the sweep was started with
 * @param environment machine, JVM, commit and command line
 */
public record JournalHeader(String format, int version, String createdAt, SweepSettings settings, SweepPlan plan,
                            Map<String, String> environment) {
}
