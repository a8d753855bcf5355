package anneal.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The integer constants of the kernel sources ({@code #define NAME value}, e.g. {@code ANNEAL_BLOCK},
 * {@code TILE}), read from the sources the jar carries ({@code anneal/cuda/src/}, packed by
 * {@code kernels/package.sh} from {@code kernels/}): the one source of truth for the block sizes and tiles
 * the host's grid arithmetic uses. Starting at {@code anneal_kernels.cu}, every {@code #include "..."} is
 * followed; a value is an integer or a parenthesised expression of integers, earlier names, {@code +},
 * {@code -}, {@code *} and {@code /} (integer division, as the preprocessor's arithmetic in C).
 */
final class KernelConstants {
    private static final String SOURCES = "/anneal/cuda/src/";
    private static final Pattern DEFINE = Pattern.compile("^\\s*#define\\s+([A-Z_][A-Z0-9_]*)\\s+(.+?)\\s*(//.*)?$");
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#include\\s+\"([^\"]+)\"");
    private static final Map<String, Integer> VALUES = load();

    private KernelConstants() {
    }

    /** The value of {@code #define name}; a missing name is a bug in Anneal (the sources and the host disagree). */
    static int get(String name) {
        Integer v = VALUES.get(name);
        if (v == null)
            throw new IllegalStateException("the kernel sources define no " + name + " (a bug in Anneal: host and kernels disagree)");
        return v;
    }

    static Map<String, Integer> all() {
        return VALUES;
    }

    private static Map<String, Integer> load() {
        Map<String, Integer> values = new LinkedHashMap<>();
        include("anneal_kernels.cu", values, new HashSet<>());
        return values;
    }

    /** Reads {@code file} as the preprocessor does: an include is read where it appears (once: #pragma once). */
    private static void include(String file, Map<String, Integer> values, Set<String> seen) {
        if (!seen.add(file) || file.contains("/")) return;  // emu/cuda_emu.h: host-only, not a kernel constant
        for (String line : read(file).split("\n")) {
            Matcher inc = INCLUDE.matcher(line);
            if (inc.find()) include(inc.group(1), values, seen);
            Matcher def = DEFINE.matcher(line);
            if (def.matches()) {
                Integer v = evaluate(def.group(2).trim(), values);
                if (v != null) values.put(def.group(1), v);
            }
        }
    }

    private static String read(String file) {
        try (InputStream in = KernelConstants.class.getResourceAsStream(SOURCES + file)) {
            if (in == null)
                throw new IllegalStateException("the jar lacks the kernel source " + SOURCES + file + " (build with 'mvn package': "
                        + "kernels/package.sh packs it; a bug in the build otherwise)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kernel source " + file, e);
        }
    }

    /** An integer expression of literals, known names, + - * / and parentheses; null when it is not one. */
    static Integer evaluate(String expr, Map<String, Integer> names) {
        try {
            int[] pos = {0};
            String e = expr.replace(" ", "");
            long v = sum(e, pos, names);
            return pos[0] == e.length() && v == (int) v ? (int) v : null;
        } catch (RuntimeException notAnInteger) {
            return null;
        }
    }

    private static long sum(String e, int[] pos, Map<String, Integer> names) {
        long v = product(e, pos, names);
        while (pos[0] < e.length() && (e.charAt(pos[0]) == '+' || e.charAt(pos[0]) == '-')) {
            char op = e.charAt(pos[0]++);
            long r = product(e, pos, names);
            v = op == '+' ? v + r : v - r;
        }
        return v;
    }

    private static long product(String e, int[] pos, Map<String, Integer> names) {
        long v = atom(e, pos, names);
        while (pos[0] < e.length() && (e.charAt(pos[0]) == '*' || e.charAt(pos[0]) == '/')) {
            char op = e.charAt(pos[0]++);
            long r = atom(e, pos, names);
            v = op == '*' ? v * r : v / r;
        }
        return v;
    }

    private static long atom(String e, int[] pos, Map<String, Integer> names) {
        char c = e.charAt(pos[0]);
        if (c == '(') {
            pos[0]++;
            long v = sum(e, pos, names);
            if (e.charAt(pos[0]++) != ')') throw new IllegalArgumentException("unbalanced");
            return v;
        }
        int start = pos[0];
        while (pos[0] < e.length() && (Character.isLetterOrDigit(e.charAt(pos[0])) || e.charAt(pos[0]) == '_')) pos[0]++;
        String token = e.substring(start, pos[0]);
        if (token.isEmpty()) throw new IllegalArgumentException("empty");
        if (Character.isDigit(token.charAt(0))) return Long.parseLong(token);
        Integer v = names.get(token);
        if (v == null) throw new IllegalArgumentException("unknown " + token);
        return v;
    }
}
