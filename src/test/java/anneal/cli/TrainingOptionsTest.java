package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.ConfigurationException;
import anneal.optim.SgdConfig;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The optimizer, model and data options train and lr-find share: one set of names, defaults and rules. */
class TrainingOptionsTest {
    @CommandLine.Command(name = "probe")
    static final class Probe {
        @CommandLine.Mixin
        TrainingOptions options;
    }

    static TrainingOptions parse(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        return p.options;
    }

    @Test
    void defaultsAreTheSweepProtocolWithNesterovWherePyTorchAllowsIt() {
        assertEquals(new SgdConfig(0.9, 0, true, 5e-4), parse().sgd());
        assertEquals(new SgdConfig(0.9, 0, false, 5e-4), parse("--no-nesterov").sgd());
        assertEquals(new SgdConfig(0, 0, false, 5e-4), parse("--momentum", "0").sgd());  // not an error: not asked for
        assertEquals(new SgdConfig(0.9, 0.1, false, 5e-4), parse("--dampening", "0.1").sgd());
        assertEquals(new SgdConfig(0.5, 0, true, 0), parse("--momentum", "0.5", "--nesterov", "--weight-decay", "0").sgd());
    }

    @Test
    void parsedDefaultsAreTheSweepsProtocolObject() {
        anneal.bench.SweepSettings protocol = anneal.bench.SweepSettings.defaults(anneal.data.FashionMnist.DEFAULT_DIR);
        TrainingOptions o = parse();
        assertEquals(protocol.sgd(), o.sgd());
        assertEquals(protocol.batch(), o.batch);
        assertEquals(java.util.List.of(protocol.hidden()[0]), java.util.Arrays.stream(o.hidden).boxed().toList());
        assertEquals(protocol.validationSize(), o.validation);
        assertEquals(java.nio.file.Path.of(protocol.dataDir()), o.data);
        assertEquals(false, o.noBiasDecay); // every sweep cell decays biases like weights
    }

    @Test
    void nesterovAskedForWhereTorchRefusesItIsAnErrorNamingTheOption() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> parse("--momentum", "0", "--nesterov").sgd());
        assertEquals("--nesterov=true is not allowed; allowed: only with momentum > 0 and dampening = 0 (momentum=0.0, "
                + "dampening=0.0)", e.message(Errors::option));
        e = assertThrows(ConfigurationException.class, () -> parse("--weight-decay", "-1").sgd());
        assertEquals("--weight-decay=-1.0 is not allowed; allowed: a finite number >= 0", e.message(Errors::option));
        e = assertThrows(ConfigurationException.class, () -> parse("--momentum", "-0.5").sgd());
        assertEquals("--momentum=-0.5 is not allowed; allowed: a finite number >= 0", e.message(Errors::option));
    }

    @Test
    void nonDefaultArgumentsRepeatOnlyWhatDiffers() {
        assertEquals("", parse().nonDefaultArguments());
        assertEquals("", parse("--nesterov").nonDefaultArguments());
        assertEquals(" --batch 256 --hidden 512,128 --no-nesterov --weight-decay 0.0 --no-bias-decay",
                parse("--batch", "256", "--hidden", "512,128", "--no-nesterov", "--weight-decay", "0", "--no-bias-decay")
                        .nonDefaultArguments());
    }

    @Test
    void trainAndLrFindTakeTheSameTrainingOptions() {
        Set<String> shared = names(new CommandLine(new Probe()));
        Set<String> train = names(new CommandLine(new TrainCommand()));
        Set<String> lrFind = names(new CommandLine(new LrFindCommand()));
        assertTrue(train.containsAll(shared), "train lacks " + shared);
        assertTrue(lrFind.containsAll(shared), "lr-find lacks " + shared);
        assertTrue(shared.contains("--no-nesterov") && shared.contains("--nesterov"), shared.toString());
        assertFalse(shared.isEmpty());
    }

    private static Set<String> names(CommandLine cl) {
        Set<String> out = new TreeSet<>();
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            for (String n : o.names()) {
                out.add(n);
                if (o.negatable()) out.add(n.replaceFirst("^--", "--no-"));
            }
        }
        out.removeAll(Set.of("-h", "--help", "-V", "--version"));
        return out;
    }
}
