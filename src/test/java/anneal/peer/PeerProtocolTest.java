package anneal.peer;

import anneal.schedule.HyperparameterTable;
import anneal.schedule.Hyperparameter;
import static org.junit.jupiter.api.Assertions.assertEquals;

import anneal.backend.ForwardingBackend;
import anneal.data.SyntheticData;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.train.TrainConfig;
import anneal.train.TrainListener;
import anneal.train.Trainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peers' inputs equal Anneal's: the export's hashes equal the hashes of what the {@link Trainer} actually hands
 * the backend in a run of the same configuration (the data it uploads, the parameters of its last {@code init},
 * the orders of the timed epochs, the lr and momentum of every step), recorded by a wrapping backend, and equal
 * the hashes of the files' bytes. (The peers recompute the same hashes from the arrays they train on; the bench
 * script refuses a peer whose hashes differ.)
 */
class PeerProtocolTest {
    /** A CPU backend that records what the trainer sends it. */
    private static final class Recording extends ForwardingBackend {
        Splits uploaded;
        Parameters lastInit;
        final ByteArrayOutputStream orders = new ByteArrayOutputStream();
        final List<Double> lrs = new ArrayList<>(), momenta = new ArrayList<>();

        @Override public void init(MlpSpec spec, Parameters initial, OptimizerSetup optimizer) {
            lastInit = initial;
            orders.reset();
            lrs.clear();
            momenta.clear();
            super.init(spec, initial, optimizer);
        }
        @Override public void upload(Splits splits) { uploaded = splits; super.upload(splits); }
        @Override public void beginEpoch(int[] order) { orders.writeBytes(PeerProtocol.bytes(order)); super.beginEpoch(order); }
        @Override public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
            lrs.add(hyperparameters.get(Hyperparameter.LR, 0));
            momenta.add(hyperparameters.get(Hyperparameter.MOMENTUM, 0));
            super.trainStep(offset, batchSize, hyperparameters);
        }
    }

    @Test
    void exportedFilesAreWhatTheTrainerFeedsTheBackend(@TempDir Path dir) throws Exception {
        Splits data = SyntheticData.blobs(20, 10, 700, 60, 90, 1.0, 5);
        TrainConfig config = PeerProtocol.config(data.train().count(), 7);
        PeerProtocol.export(data, config, dir);
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        JsonNode sha = manifest.get("sha256");
        for (var it = sha.fields(); it.hasNext(); ) {
            var e = it.next();
            assertEquals(e.getValue().asText(), PeerProtocol.sha256(Files.readAllBytes(dir.resolve(e.getKey()))),
                    "manifest hash of " + e.getKey());
        }
        Recording r = new Recording();
        try (r) {
            new Trainer(r, data).warmupSteps(3).warmupJitQuiet(0).run(config, Trainer.schedule(config), new TrainListener() {
            });
        }
        assertEquals(sha.get("train_x.f32").asText(), PeerProtocol.sha256(PeerProtocol.bytes(r.uploaded.train().features())));
        assertEquals(sha.get("train_y.u8").asText(), PeerProtocol.sha256(r.uploaded.train().labels()));
        assertEquals(sha.get("val_x.f32").asText(), PeerProtocol.sha256(PeerProtocol.bytes(r.uploaded.validation().features())));
        assertEquals(sha.get("test_x.f32").asText(), PeerProtocol.sha256(PeerProtocol.bytes(r.uploaded.test().features())));
        assertEquals(sha.get("test_y.u8").asText(), PeerProtocol.sha256(r.uploaded.test().labels()));
        for (int l = 0; l < 2; l++) {
            assertEquals(sha.get("w" + l + ".f32").asText(), PeerProtocol.sha256(PeerProtocol.bytes(r.lastInit.weight(l))), "w" + l);
            assertEquals(sha.get("b" + l + ".f32").asText(), PeerProtocol.sha256(PeerProtocol.bytes(r.lastInit.bias(l))), "b" + l);
        }
        assertEquals(sha.get("order.i32").asText(), PeerProtocol.sha256(r.orders.toByteArray()), "the timed epochs' orders");
        int steps = manifest.get("steps").asInt();
        assertEquals(steps, r.lrs.size());
        double[] lr = new double[steps], mom = new double[steps];
        for (int i = 0; i < steps; i++) {
            lr[i] = r.lrs.get(i);
            mom[i] = r.momenta.get(i);
        }
        assertEquals(sha.get("lr.f64").asText(), PeerProtocol.sha256(PeerProtocol.bytes(lr)), "lr per step");
        assertEquals(sha.get("momentum.f64").asText(), PeerProtocol.sha256(PeerProtocol.bytes(mom)), "momentum per step");
    }
}
