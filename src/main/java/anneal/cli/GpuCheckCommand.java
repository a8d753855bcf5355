package anneal.cli;

import anneal.backend.BackendUnavailableException;
import anneal.backend.cuda.CudaBackend;
import anneal.check.GpuCheck;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code anneal gpu-check OUTDIR}: the one command for a GPU box. Checks every CUDA kernel against the CPU
 * reference on the device, trains one epoch on both backends and compares the loss curves, and writes a
 * timing table (us per step, kernels per step, the three lr deliveries, PyTorch on the same GPU) to
 * OUTDIR/gpu-check.md. Exit 0 when every check passes, 1 when one fails, 2 when there is no usable GPU.
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = "On a GPU box: check every CUDA kernel against the CPU reference, compare one epoch on both "
                + "backends, and time a training step (vs PyTorch on the same GPU). Results go to OUTDIR.")
final class GpuCheckCommand implements Callable<Integer> {
    private static final String PEER_RESOURCE = "/anneal/cuda/gpu_torch_peer.py";

    @Parameters(index = "0", paramLabel = "OUTDIR", description = "Folder for gpu-check.md, kernels.txt, loss_curves.csv, torch_peer.json.")
    Path out;

    @Option(names = "--device", defaultValue = "0", description = "CUDA device ordinal (default: ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: " + "/usr/share/datasets/fashion-mnist).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, split and order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "500", description = "Timed training steps per implementation (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--torch-peer", paramLabel = "FILE",
            description = "PyTorch peer script (default: tools/gpu_torch_peer.py if present, else the copy in the jar).")
    Path torchPeer;

    @Option(names = "--python", defaultValue = "python3", description = "Python with torch for the peer (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--validation", defaultValue = "5000", description = "Training images held out for validation "
            + "(default: ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds of the time-to-accuracy part; best and median are "
            + "reported (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Override
    public Integer call() throws IOException {
        if (steps < 10) throw new UsageException("--steps=" + steps + " is not allowed; allowed: an integer >= 10");
        if (device < 0) throw new UsageException("--device=" + device + " is not allowed; allowed: a CUDA device ordinal >= 0");
        if (seeds < 1) throw new UsageException("--seeds=" + seeds + " is not allowed; allowed: an integer >= 1");
        if (validation < 1) throw new UsageException("--validation=" + validation + " is not allowed; allowed: an integer >= 1");
        Splits splits = FashionMnist.load(data, validation, seed);  // the data first: a wrong --data fails before any CUDA work
        Optional<String> why = CudaBackend.probe();
        if (why.isPresent()) throw new BackendUnavailableException("no GPU to check: " + why.get());
        Files.createDirectories(out);
        boolean ok = new GpuCheck(device, splits, seed, out, System.out).accuracySeeds(seeds).run(peerScript(), python, steps);
        System.out.println("results written to " + out.resolve("gpu-check.md"));
        return ok ? 0 : 1;
    }

    private Path peerScript() throws IOException {
        if (torchPeer != null) return torchPeer;
        Path local = Path.of("tools", "gpu_torch_peer.py");
        if (Files.isRegularFile(local)) return local;
        try (InputStream in = GpuCheckCommand.class.getResourceAsStream(PEER_RESOURCE)) {
            if (in == null) return null;
            Path copy = out.resolve("gpu_torch_peer.py");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        }
    }
}
