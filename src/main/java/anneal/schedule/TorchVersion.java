package anneal.schedule;

import java.util.Locale;

/**
 * Which PyTorch's {@code torch/optim/lr_scheduler.py} a PyTorch-named schedule reproduces. Fresh schedules
 * stepped with {@code step()} give the same values in both; they differ where PyTorch 2.x changed behaviour:
 * <ul>
 * <li>construction with {@code last_epoch >= 0} (resuming): 2.x keeps the optimizer's current lr for
 *     ExponentialLR, MultiplicativeLR, LinearLR, PolynomialLR and CosineAnnealingLR (its {@code _is_initial}
 *     flag), where 1.13 applies one more factor or the closed form;</li>
 * <li>CosineAnnealingWarmRestarts wraps {@code T_cur % T_i} (2.x) instead of {@code T_cur - T_i};</li>
 * <li>SequentialLR handing over to MultiplicativeLR applies {@code f(0)} at the milestone (2.x);</li>
 * <li>SequentialLR undoes its children's initial step recursively (2.x), so a nested SequentialLR or a
 *     ChainedScheduler first in a SequentialLR behaves as 2.x's;</li>
 * <li>{@code verbose} is gone (2.7+).</li>
 * </ul>
 * {@link #V2} follows {@code torch/optim/lr_scheduler.py} of PyTorch main at commit 008f727e (2.9 era).
 */
public enum TorchVersion {
    /** PyTorch 1.13 (Debian's python3-torch, the oracle of the 1.13 fixtures). */
    V1_13("1.13"),
    /** PyTorch 2.x as of 2.9 / main. */
    V2("2");

    /**
     * The default: '2', the PyTorch users run today. Fresh schedules give the same values under both, so the
     * default only decides resumption with {@code last_epoch} and the SequentialLR-to-MultiplicativeLR hand-over.
     * Configs of format version 1 (written before this choice existed) read as '1.13'.
     */
    public static final TorchVersion DEFAULT = V2;

    /** The spelling in specs, configs and {@code --torch}. */
    public final String spelling;

    TorchVersion(String spelling) {
        this.spelling = spelling;
    }

    /**
     * '1.13' or '2' (also '2.x', '2.8', '2.9', '2.10'...). '2.0' to '2.7' are refused: their lr_scheduler.py predates
     * {@code _is_initial} (a 2.0-era file, pytorch/pytorch 91a8950d, still has 1.13's MultiplicativeLR and
     * {@code verbose}), and they are not reproduced separately.
     *
     * @throws IllegalArgumentException naming {@code where} for any other text
     */
    public static TorchVersion parse(String where, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("1.13") || t.equals("1.13.1")) return V1_13;
        if (t.equals("2") || t.equals("2.x")) return V2;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("2\\.([0-9]+)(\\.[0-9]+)?").matcher(t);
        if (m.matches() && Integer.parseInt(m.group(1)) >= 8) return V2;
        if (m.matches()) {
            throw Check.bad(where, "torch", text, "'1.13' or '2' ('2' is PyTorch 2.8+ / main; 2.0 to 2.7 are not "
                    + "reproduced separately)");
        }
        throw Check.bad(where, "torch", text, "'1.13' or '2'");
    }

    @Override
    public String toString() {
        return spelling;
    }
}
