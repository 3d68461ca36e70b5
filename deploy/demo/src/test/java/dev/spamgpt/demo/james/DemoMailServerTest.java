package dev.spamgpt.demo.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * The demo's copy of {@code deploy/james/mailetcontainer.xml} and of the test James's server
 * configuration: the values the demo rewrites are there exactly once.
 */
class DemoMailServerTest {

    static final Path FILE = Paths.get("..", "james", "mailetcontainer.xml");

    @Test
    void demoCopyShouldPointAtTheLocalBundleAndALoopbackMetricsPort() throws Exception {
        String xml = new String(Files.readAllBytes(FILE), StandardCharsets.UTF_8);
        String demo = DemoMailServer.demoMailetContainer(xml, Paths.get("/tmp/run/bundle"), 40123);
        assertThat(demo)
                .contains(
                        "<model>/tmp/run/bundle</model>",
                        "<metricsHost>127.0.0.1</metricsHost>",
                        "<metricsPort>40123</metricsPort>")
                .doesNotContain(
                        "<model>/models/bundle</model>",
                        "<metricsHost>0.0.0.0</metricsHost>",
                        "<metricsPort>9095</metricsPort>");
    }

    @Test
    void demoCopyShouldRefuseAFileWithoutTheExpectedValues() {
        assertThatThrownBy(
                        () ->
                                DemoMailServer.demoMailetContainer(
                                        "<mailetcontainer/>", Paths.get("/b"), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("<model>/models/bundle</model>");
    }

    @Test
    void serverConfigurationShouldBindTheChosenLoopbackPort() {
        String xml = "<smtpserver>\n    <bind>127.0.0.1:0</bind>\n</smtpserver>\n";
        assertThat(DemoMailServer.withPort(xml, 40125))
                .contains("<bind>127.0.0.1:40125</bind>")
                .doesNotContain("127.0.0.1:0<");
    }

    @Test
    void serverConfigurationShouldRefuseAFileWithoutTheLoopbackAnyPortBind() {
        assertThatThrownBy(
                        () ->
                                DemoMailServer.withPort(
                                        "<imapserver><bind>0.0.0.0:143</bind></imapserver>", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("<bind>127.0.0.1:0</bind>");
    }

    @Test
    void theTestJamesConfigurationShouldHaveOneLoopbackAnyPortBindForSmtpAndImap()
            throws Exception {
        for (String name :
                new String[] {"/james-conf/smtpserver.xml", "/james-conf/imapserver.xml"}) {
            String xml =
                    new String(
                            DemoMailServerTest.class.getResourceAsStream(name).readAllBytes(),
                            StandardCharsets.UTF_8);
            assertThat(DemoMailServer.withPort(xml, 40126))
                    .as(name)
                    .contains("<bind>127.0.0.1:40126</bind>");
        }
    }
}
