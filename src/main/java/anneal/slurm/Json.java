package anneal.slurm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The JSON mapper of this package and its one way of writing a file ({@link anneal.util.AtomicFiles}: temporary file, fsync, atomic rename). */
final class Json {
    /** Same leniency as the journal's reader: fields added by a later version are ignored, not refused. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** Writes {@code text} to {@code file} so that readers see the old file or the whole new one, never a part. */
    static void writeAtomically(Path file, String text) throws IOException {
        anneal.util.AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
