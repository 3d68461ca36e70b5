package dev.spamgpt.core.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.mail.Part;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeUtility;

/**
 * The charset of a text part and the decoding of its bytes. Neither throws: an unknown charset or
 * bytes invalid in it are read as well as they can be and recorded as a problem.
 */
final class BodyCharsets {

    private BodyCharsets() {}

    /** Returns the charset a text part declares, or UTF-8 when it declares none. */
    static Charset declared(ContentType type, Part part, Extraction extraction) {
        String name = type.getParameter("charset");
        if (name == null || name.trim().isEmpty()) {
            return StandardCharsets.UTF_8;
        }
        String trimmed = name.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        // As browsers do: mail labelled Latin-1 is written in windows-1252 in practice.
        if (lower.equals("iso-8859-1") || lower.equals("latin1") || lower.equals("l1")) {
            return Charset.forName("windows-1252");
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(trimmed));
        } catch (RuntimeException e) {
            extraction.problem(
                    "unknown charset '"
                            + Extraction.abbreviate(trimmed)
                            + "' in "
                            + Extraction.describe(part)
                            + "; decoded as UTF-8");
            return StandardCharsets.UTF_8;
        }
    }

    /** Decodes strictly, and on failure again with U+FFFD for bad bytes, as a problem. */
    static String decode(
            byte[] bytes,
            int offset,
            int length,
            Charset charset,
            String what,
            Extraction extraction) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            extraction.problem(
                    "bytes invalid in "
                            + charset.name()
                            + " in "
                            + what
                            + "; replaced with U+FFFD");
            // Charset.decode replaces malformed and unmappable input with U+FFFD.
            return charset.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (RuntimeException e) {
            // Some legacy decoders cannot replace; UTF-8 always can.
            extraction.problem(
                    "charset " + charset.name() + " failed in " + what + "; decoded as UTF-8");
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
    }
}
