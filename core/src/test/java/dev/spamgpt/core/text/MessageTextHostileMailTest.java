package dev.spamgpt.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spamgpt.core.testing.CraftedMail;
import dev.spamgpt.core.text.MessageText.Limits;
import dev.spamgpt.core.text.MessageText.Result;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Enumeration;
import java.util.Properties;
import java.util.function.IntFunction;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hostile mails of the hardening review (issue 10): each must give its text, fast. */
class MessageTextHostileMailTest {

    private static final Limits LIMITS = Limits.defaults();

    @Test
    void quotedPrintableSoftBreakBombShouldGiveItsText() {
        Result result = MessageText.fromMime(CraftedMail.bytes(CraftedMail.qpBomb()), LIMITS);

        assertThat(result.text()).isEqualTo("quoted-printable bomb\nWIN a free prize now");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void quotedPrintableSoftBreakBombOnAMultipartShouldGiveItsText() {
        Result result =
                MessageText.fromMime(CraftedMail.bytes(CraftedMail.qpMultipartBomb()), LIMITS);

        assertThat(result.text())
                .isEqualTo("quoted-printable multipart bomb\nWIN a free prize now");
    }

    @Test
    void quotedPrintableSoftBreakBombShouldGiveItsTextWhenParsedByJavaxMail() throws Exception {
        for (String mail : new String[] {CraftedMail.qpBomb(), CraftedMail.qpMultipartBomb()}) {
            MimeMessage message =
                    new MimeMessage(
                            Session.getInstance(new Properties()),
                            new ByteArrayInputStream(CraftedMail.bytes(mail)));

            Result result = MessageText.fromMessage(message, LIMITS);

            assertThat(result.text()).endsWith("\nWIN a free prize now");
        }
    }

    @Test
    void foldedSubjectBombShouldBeCutBeforeItIsUnfolded() {
        // No output cap, so that only the header cap can bound the Subject; the whole mail
        // (a little over 1 MiB) is read.
        Result result =
                MessageText.fromMime(
                        CraftedMail.bytes(CraftedMail.foldBomb()),
                        LIMITS.withMaxBytes(2L << 20).withMaxChars(Integer.MAX_VALUE));

        String subject = result.text().split("\n", 2)[0];
        assertThat(subject).startsWith("ab ab ab ").doesNotContain("\r");
        assertThat(subject.length()).isLessThanOrEqualTo(SubjectHeader.MAX_HEADER_CHARS);
        assertThat(result.text()).endsWith("\nCheap meds, click here");
        assertThat(result.truncated()).isTrue();
        assertThat(result.problems()).anySatisfy(p -> assertThat(p).contains("Subject"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fold", "qp", "qp-multipart"})
    void bombShouldCostWorkLinearInItsSize(String bomb) {
        // Work is measured as bytes allocated by this thread: deterministic enough, and the
        // substring per fold of a quadratic unfolding shows in it as plainly as in time.
        com.sun.management.ThreadMXBean threads = threadBean();
        IntFunction<String> mail =
                bomb.equals("fold")
                        ? CraftedMail::foldBomb
                        : bomb.equals("qp")
                                ? bytes -> CraftedMail.qpBomb(bytes / 3)
                                : bytes -> CraftedMail.qpMultipartBomb(bytes / 3);
        byte[] small = CraftedMail.bytes(mail.apply(64 << 10));
        byte[] large = CraftedMail.bytes(mail.apply(1 << 20));
        Limits limits = LIMITS.withMaxBytes(2L << 20);
        // Warm up class loading and the JIT so that one-off costs do not count.
        for (int i = 0; i < 3; i++) {
            MessageText.fromMime(small, limits);
        }

        long smallWork = allocatedBy(threads, () -> MessageText.fromMime(small, limits));
        long largeWork = allocatedBy(threads, () -> MessageText.fromMime(large, limits));

        // 16 times the input: linear work gives about 16 times the cost, quadratic 256.
        assertThat((double) largeWork / smallWork).isLessThan(64.0);
    }

    @Test
    void stackOverflowWhileReadingShouldBecomeAProblemOfThatMessage() {
        Result result =
                MessageText.fromMime(
                        failingAfter(
                                CraftedMail.bytes(CraftedMail.ham("lunch")),
                                40,
                                new StackOverflowError()),
                        LIMITS);

        assertThat(result.truncated()).isTrue();
        assertThat(result.problems())
                .singleElement()
                .asString()
                .contains("java.lang.StackOverflowError");
    }

    @Test
    void unexpectedErrorWhileReadingShouldBecomeAProblemOfThatMessage() {
        for (Throwable failure :
                new Throwable[] {
                    new AssertionError("bug"),
                    new IllegalStateException("bug"),
                    new NoClassDefFoundError("Gone")
                }) {
            Result result =
                    MessageText.fromMime(
                            failingAfter(CraftedMail.bytes(CraftedMail.ham("lunch")), 40, failure),
                            LIMITS);

            assertThat(result.problems())
                    .singleElement()
                    .asString()
                    .contains(failure.getClass().getName());
        }
    }

    @Test
    void stackOverflowInAParsedMessageShouldBecomeAProblemOfThatMessage() throws Exception {
        MimeMessage message =
                new MimeMessage(
                        Session.getInstance(new Properties()),
                        new ByteArrayInputStream(CraftedMail.bytes(CraftedMail.ham("lunch")))) {
                    @Override
                    public Enumeration<String> getAllHeaderLines() {
                        throw new StackOverflowError();
                    }
                };

        Result result = MessageText.fromMessage(message, LIMITS);

        assertThat(result.problems())
                .anySatisfy(p -> assertThat(p).contains("java.lang.StackOverflowError"));
    }

    @Test
    void outOfMemoryShouldNotBeTakenForABadMessage() {
        OutOfMemoryError failure = new OutOfMemoryError("Java heap space");

        assertThatThrownBy(
                        () ->
                                MessageText.fromMime(
                                        failingAfter(
                                                CraftedMail.bytes(CraftedMail.ham("lunch")),
                                                40,
                                                failure),
                                        LIMITS))
                .isSameAs(failure);
    }

    /** A stream that serves the first {@code length} bytes of {@code mail}, then throws. */
    private static InputStream failingAfter(byte[] mail, int length, Throwable failure) {
        return new InputStream() {
            private int served;

            @Override
            public int read() {
                if (served < length) {
                    return mail[served++] & 0xFF;
                }
                throw sneaky(failure);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable failure) throws T {
        throw (T) failure;
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs a HotSpot JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "needs allocation counting");
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    private static long allocatedBy(com.sun.management.ThreadMXBean threads, Runnable work) {
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        work.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
