package anneal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks on a file the user named, each failure a {@link ConfigurationException} that says what the path is
 * instead of a readable file: missing, a directory, a FIFO or device (which would block or never end), a symbolic
 * link loop or a dangling link, unreadable, too large, not text.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * {@code path} as a readable regular file, or a {@link ConfigurationException} for {@code what} (e.g.
     * {@code "schedule spec file"}) naming what the path is instead.
     */
    public static Path regularFile(String what, Path path) {
        if (Files.isRegularFile(path)) {
            if (!Files.isReadable(path)) throw new ConfigurationException(what + " " + path + " is not readable");
            return path;
        }
        throw new ConfigurationException(what + " " + path + " " + whatItIs(path) + "; allowed: a readable file");
    }

    /** What {@code path} is when it is not a regular file: "does not exist", "is a directory", ... */
    public static String whatItIs(Path path) {
        if (Files.isSymbolicLink(path)) {
            try {
                path.toRealPath();
            } catch (FileSystemException e) {
                String reason = String.valueOf(e.getReason());
                if (reason.toLowerCase(java.util.Locale.ROOT).contains("levels of symbolic links")) {
                    return "is a symbolic link loop";
                }
                return "is a symbolic link that does not resolve (" + reason + ")";
            } catch (IOException e) {
                return "is a symbolic link that does not resolve (" + e.getMessage() + ")";
            }
        }
        if (Files.isDirectory(path)) return "is a directory";
        if (Files.isRegularFile(path)) return "is a file";
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.exists(path)) {
            return "is not a regular file (a FIFO, socket or device)";
        }
        return "does not exist";
    }

    /**
     * The UTF-8 text of a small file: at most {@code maxBytes} (read no further, so a growing file cannot exhaust
     * memory), no NUL or other control bytes apart from tab, CR and LF.
     */
    public static String smallText(String what, Path path, int maxBytes) {
        regularFile(what, path);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ConfigurationException(what + " " + path + ": cannot read (" + e.getMessage() + ")");
        }
        if (bytes.length > maxBytes) {
            throw new ConfigurationException(what + " " + path + " is larger than " + maxBytes + " bytes; allowed: at most "
                    + maxBytes + " bytes");
        }
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
                throw new ConfigurationException(what + " " + path + " holds binary data (byte 0x"
                        + String.format("%02x", b) + " at offset " + i + "); allowed: UTF-8 text");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigurationException(what + " " + path + " is not UTF-8 text; allowed: UTF-8 text");
        }
    }
}
